using System.Text.Json;
using Likeness.Jobs;
using Likeness.Server.Api;

namespace Likeness.Server.JobEngine;

/// <summary>
/// `test-steps`, registered only with Likeness:Jobs:EnableTestSteps=true: four steps that each sleep
/// (observing the token) and can fail on their first attempts, for durability and retry tests.
/// Executions are visible as step attempts and in the JobStepAttempts table.
/// </summary>
/// <param name="FailStep">Only this step fails (all steps when null).</param>
public sealed record TestStepsInput(int StepMillis = 200, int FailTimes = 0, bool FailPermanently = false, string? FailStep = null);

public sealed class TestStepsKind : IJobKind
{
    public const string Name = "test-steps";
    public string Kind => Name;
    public IReadOnlyList<string> Steps { get; } = ["one", "two", "three", "four"];

    public Task<string?> ValidateAsync(JsonElement input, JobOwner owner, CancellationToken ct)
    {
        try
        {
            var parsed = input.Deserialize<TestStepsInput>(Json.Options)!;
            return Task.FromResult(parsed.StepMillis is < 0 or > 600_000 ? "stepMillis must be within 0..600000." : null);
        }
        catch (JsonException e) { return Task.FromResult<string?>(ProblemExceptionHandler.Describe(e)); }
    }

    public static IEnumerable<IJobStepHandler> Handlers() => new TestStepsKind().Steps.Select(s => new SleepStep(s));

    sealed class SleepStep(string name) : IJobStepHandler
    {
        public string Kind => TestStepsKind.Name;
        public string Name { get; } = name;

        public async Task<JobStepResult> ExecuteAsync(JobStepContext context, CancellationToken ct)
        {
            var input = context.Input.Deserialize<TestStepsInput>(Json.Options)!;
            var failsHere = input.FailStep is null || input.FailStep == Name;
            if (failsHere && input.FailPermanently) throw new PermanentJobException($"Step '{Name}' was asked to fail.");
            if (failsHere && context.Attempt <= input.FailTimes) throw new InvalidOperationException($"Planned failure {context.Attempt} of {input.FailTimes}.");
            for (var i = 1; i <= 10; i++)
            {
                await Task.Delay(input.StepMillis / 10, ct);
                context.Progress.Report(i / 10.0);
            }
            return new JobStepResult(JsonSerializer.SerializeToElement(new { step = Name, attempt = context.Attempt }));
        }
    }
}
