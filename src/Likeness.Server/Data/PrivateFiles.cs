namespace Likeness.Server.Data;

/// <summary>The data folder holds faces and embeddings: what the server creates there is readable by its own user only.</summary>
public static class PrivateFiles
{
    const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the folder 0700 when it does not exist yet; an existing folder keeps the mode its owner gave it.</summary>
    public static void CreateDirectory(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, Folder);
    }

    /// <summary>Creates an empty file 0600 when it does not exist yet (SQLite then opens it instead of creating it 0644).</summary>
    public static void CreateFile(string path)
    {
        if (System.IO.File.Exists(path)) return;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = File;
        try { using var _ = new FileStream(path, options); }
        catch (IOException) when (System.IO.File.Exists(path)) { } // created meanwhile by another process
    }
}
