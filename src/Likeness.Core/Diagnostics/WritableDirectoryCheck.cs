namespace Likeness.Diagnostics;

/// <summary>Checks that a directory exists (or can be created) and accepts a file.</summary>
public static class WritableDirectoryCheck
{
    public static HealthCheck Run(string area, string name, string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".likeness-write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            return new HealthCheck(area, name, HealthStatus.Ok, $"{directory} is writable");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HealthCheck(area, name, HealthStatus.Error, $"{directory} is not writable: {e.Message}",
                $"fix its permissions or choose another directory (see `likeness doctor --help`)");
        }
    }
}
