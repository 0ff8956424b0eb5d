namespace Likeness;

/// <summary>Base of every error Likeness raises on purpose; its message says what to do.</summary>
public class LikenessException : Exception
{
    public LikenessException(string message) : base(message) { }
    public LikenessException(string message, Exception? inner) : base(message, inner) { }
}
