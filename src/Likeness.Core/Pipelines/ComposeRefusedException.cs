namespace Likeness.Pipelines;

/// <summary>Why a compose or a view was not written.</summary>
public enum ComposeRefusal
{
    /// <summary>A close face crop (head or shoulders cut off) without --allow-crop.</summary>
    CloseCrop,
    /// <summary>No face in the person photo, so the output cannot be verified.</summary>
    NoFace,
    /// <summary>The matte found no person.</summary>
    NoPerson,
    /// <summary>The matte is not opaque on the person with either matting model.</summary>
    GhostMatte,
    /// <summary>The person in the output could not be verified (face not found where placed, or identity below the threshold).</summary>
    Unverified,
    /// <summary>The photo has too few pixels for the output size.</summary>
    TooSmall,
    /// <summary>The photo shows several people of similar size; the matte would carry all of them into the scene.</summary>
    SeveralPeople,
}

/// <summary>A result that would be wrong was not produced; the message names the cause and the fix.</summary>
public sealed class ComposeRefusedException(ComposeRefusal reason, string message) : LikenessException(message)
{
    public ComposeRefusal Reason { get; } = reason;
}
