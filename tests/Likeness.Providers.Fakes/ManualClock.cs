namespace Likeness.Providers.Tests.Fakes;

/// <summary>
/// A fake clock. With <see cref="AutoAdvance"/> every wait the code under test starts (Task.Delay on this provider)
/// jumps the clock to its due time at once, so "3 s" and "5→10→20 s" cost no real time but are recorded exactly.
/// Turn it off to hold time still (webhook tests) and move it by hand with <see cref="Advance"/>.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    readonly object _lock = new();
    readonly List<Timer> _timers = [];
    DateTimeOffset _now = Start;

    public bool AutoAdvance { get; set; } = true;

    public override DateTimeOffset GetUtcNow() { lock (_lock) return _now; }
    public override long GetTimestamp() => GetUtcNow().UtcTicks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public TimeSpan Elapsed => GetUtcNow() - Start;

    public int PendingTimers { get { lock (_lock) return _timers.Count; } }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_lock) target = _now + by;
        while (FireNext(target)) { }
        lock (_lock) if (_now < target) _now = target;
    }

    /// <summary>Fires the earliest timer due at or before <paramref name="limit"/>, moving the clock to its due time.</summary>
    bool FireNext(DateTimeOffset? limit)
    {
        Timer? timer;
        lock (_lock)
        {
            timer = _timers.Where(t => t.Due is not null).MinBy(t => t.Due);
            if (timer is null || (limit is not null && timer.Due > limit)) return false;
            if (timer.Due > _now) _now = timer.Due!.Value;
            if (timer.Period > TimeSpan.Zero) timer.Due = _now + timer.Period;
            else { timer.Due = null; _timers.Remove(timer); }
        }
        timer.Fire();
        return true;
    }

    void Schedule(Timer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            timer.Due = dueTime == Timeout.InfiniteTimeSpan ? null : _now + dueTime;
            if (timer.Due is null) return;
            _timers.Add(timer);
        }
        if (AutoAdvance) ThreadPool.QueueUserWorkItem(_ => { if (AutoAdvance) FireNext(null); });
    }

    void Remove(Timer timer) { lock (_lock) _timers.Remove(timer); }

    sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due;
        public TimeSpan Period;

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Schedule(this, dueTime, period);
            return true;
        }

        public void Dispose() => clock.Remove(this);
        public ValueTask DisposeAsync() { Dispose(); return default; }
    }
}
