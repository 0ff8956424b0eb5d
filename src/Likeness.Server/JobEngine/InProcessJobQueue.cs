using System.Threading.Channels;
using Likeness.Jobs;

namespace Likeness.Server.JobEngine;

/// <summary>Job ids in memory for this process's workers; the database remains the record of what must run.</summary>
public sealed class InProcessJobQueue : IJobQueue
{
    readonly Channel<Guid> channel = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = false });

    public ValueTask EnqueueAsync(Guid jobId, CancellationToken cancellationToken = default) => channel.Writer.WriteAsync(jobId, cancellationToken);

    public ValueTask<Guid> DequeueAsync(CancellationToken cancellationToken) => channel.Reader.ReadAsync(cancellationToken);
}
