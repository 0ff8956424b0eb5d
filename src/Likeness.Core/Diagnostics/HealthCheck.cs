namespace Likeness.Diagnostics;

public enum HealthStatus { Ok, Warning, Error }

/// <summary>One line of `likeness doctor`: what was checked, what was found, and the fix when it is not ok.</summary>
public sealed record HealthCheck(string Area, string Name, HealthStatus Status, string Detail, string? Fix = null);
