namespace Likeness.Server.JobEngine;

public sealed class JobOptions
{
    /// <summary>Jobs run at the same time (the concurrency limit).</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>
    /// How far below request handling job steps run (Linux nice value of their threads, 0..19; 0 = the same). Requests
    /// are short and a client waits on them; a job's step is seconds of CPU whoever waits.
    /// </summary>
    public int StepNice { get; set; } = 10;

    /// <summary>Attempts per step before it fails (including the first).</summary>
    public int MaxAttempts { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Items per batch.</summary>
    public int MaxBatchItems { get; set; } = 1000;

    /// <summary>
    /// PostgreSQL deployments: how long a worker's claim on a job lasts without a heartbeat (renewed every third of it).
    /// A killed worker's jobs are taken over by others after at most this long.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>PostgreSQL deployments: how often idle workers look for work when no NOTIFY arrived.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Run jobs in this process (`likeness serve --no-worker` turns it off: an API node that only enqueues).</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>Registers the `test-steps` kind (slow, optionally failing steps) used by durability tests. Never on in production.</summary>
    public bool EnableTestSteps { get; set; }

    public TimeSpan Backoff(int attempt)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 16);
        var delay = RetryBaseDelay * Math.Pow(2, exponent);
        return delay > RetryMaxDelay ? RetryMaxDelay : delay;
    }
}

public sealed class WebhookOptions
{
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// Where job webhooks may go: the same outbound policy as provider downloads (https only, no loopback, private or
    /// link-local addresses such as 169.254.169.254) unless Likeness:Webhooks:Url:AllowHttp / AllowPrivateNetworks allow it.
    /// </summary>
    public Likeness.Providers.Outputs.OutboundUrlOptions Url { get; set; } = new();

    public TimeSpan Backoff(int attempt)
    {
        var delay = RetryBaseDelay * Math.Pow(2, Math.Min(Math.Max(attempt - 1, 0), 16));
        return delay > RetryMaxDelay ? RetryMaxDelay : delay;
    }
}
