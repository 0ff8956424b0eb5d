using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Likeness.Imaging;

namespace Likeness.Pipelines.Swap.Video;

public sealed record VideoInfo(int Width, int Height, double Fps, int? FrameCount, double Duration, bool HasAudio, string Codec);

/// <summary>ffmpeg or ffprobe is missing or refused the file; the message says what to do.</summary>
public sealed class VideoException(string message, Exception? inner = null) : LikenessException(message, inner);

/// <summary>Debian's ffmpeg and ffprobe as child processes: raw RGBA frames over pipes, no temporary images.</summary>
public static class Ffmpeg
{
    public static readonly string[] VideoExtensions = [".mp4", ".mov", ".mkv", ".avi", ".webm", ".m4v", ".gif"];

    public static bool LooksLikeVideo(string path) => VideoExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    public static string Find(string tool) => Find(tool, Environment.GetEnvironmentVariable("PATH") ?? "");

    /// <param name="searchPath">Folders to look in, PATH-style.</param>
    public static string Find(string tool, string searchPath)
    {
        foreach (var dir in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        throw new VideoException($"{tool} was not found on PATH: video needs ffmpeg (Debian/Ubuntu: `sudo apt-get install ffmpeg`, or run tools/install.sh).");
    }

    public static async Task<VideoInfo> ProbeAsync(string path, CancellationToken ct = default)
    {
        using var json = await FfprobeAsync(path, "a video", "Supported: what Debian's ffmpeg reads, e.g. MP4/H.264, MOV, MKV, WebM, AVI.", ct);
        var streams = json.RootElement.GetProperty("streams").EnumerateArray().ToList();
        var video = streams.FirstOrDefault(s => s.GetProperty("codec_type").GetString() == "video");
        if (video.ValueKind == JsonValueKind.Undefined) throw new VideoException($"{path} has no video stream.");
        var rate = video.TryGetProperty("avg_frame_rate", out var r) ? Rate(r.GetString()) : 0;
        if (rate <= 0 && video.TryGetProperty("r_frame_rate", out var rr)) rate = Rate(rr.GetString());
        int? frames = video.TryGetProperty("nb_frames", out var nb) && int.TryParse(nb.GetString(), out var n) ? n : null;
        var duration = json.RootElement.GetProperty("format").TryGetProperty("duration", out var d) && double.TryParse(d.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var dd) ? dd : 0;
        return new VideoInfo(video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32(), rate > 0 ? rate : 25, frames, duration,
            streams.Any(s => s.GetProperty("codec_type").GetString() == "audio"), video.GetProperty("codec_name").GetString() ?? "?");
    }

    /// <summary>Seconds of the first audio stream of a file (audio or video); a clear error when there is none.</summary>
    public static async Task<double> ProbeAudioAsync(string path, CancellationToken ct = default)
    {
        using var json = await FfprobeAsync(path, "audio", "Use WAV, MP3, M4A, OGG or FLAC.", ct);
        if (!json.RootElement.GetProperty("streams").EnumerateArray().Any(s => s.GetProperty("codec_type").GetString() == "audio"))
            throw new VideoException($"{path} has no audio stream.");
        return json.RootElement.GetProperty("format").TryGetProperty("duration", out var d) && double.TryParse(d.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? seconds : throw new VideoException($"{path}: ffprobe reports no duration.");
    }

    /// <summary>ffprobe's JSON (streams and format) of a file, or a <see cref="VideoException"/> saying it cannot be read as <paramref name="what"/>.</summary>
    static async Task<JsonDocument> FfprobeAsync(string path, string what, string hint, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new VideoException($"{path}: no such file.");
        var info = new ProcessStartInfo(Find("ffprobe"), ["-v", "error", "-print_format", "json", "-show_streams", "-show_format", path])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new VideoException($"{path} cannot be read as {what} ({(await stderr).Trim()}). {hint}");
        return JsonDocument.Parse(await stdout);
    }

    static double Rate(string? fraction)
    {
        var parts = (fraction ?? "").Split('/');
        return parts.Length == 2 && double.TryParse(parts[0], out var a) && double.TryParse(parts[1], out var b) && b > 0 ? a / b : 0;
    }
}

/// <summary>Decodes a video to RGBA frames (ffmpeg → stdout), read ahead on a background task so decoding overlaps the work.</summary>
public sealed class VideoFrameReader : IAsyncDisposable
{
    readonly Process process;
    readonly Channel<RgbaImage> frames = Channel.CreateBounded<RgbaImage>(3);
    readonly Task pump;
    readonly CancellationTokenSource stop = new();
    readonly StringWriter errors = new();

    public VideoFrameReader(string path, VideoInfo info)
    {
        var start = new ProcessStartInfo(Ffmpeg.Find("ffmpeg"), ["-v", "error", "-nostdin", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgba", "-"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.WriteLine(e.Data); };
        process.BeginErrorReadLine();
        pump = Task.Run(() => PumpAsync(info.Width, info.Height, stop.Token));
    }

    async Task PumpAsync(int width, int height, CancellationToken ct)
    {
        var stream = process.StandardOutput.BaseStream;
        try
        {
            while (true)
            {
                var frame = new RgbaImage(width, height);
                var read = 0;
                while (read < frame.Data.Length)
                {
                    var n = await stream.ReadAsync(frame.Data.AsMemory(read), ct);
                    if (n == 0) break;
                    read += n;
                }
                if (read < frame.Data.Length) break;
                await frames.Writer.WriteAsync(frame, ct);
            }
            frames.Writer.TryComplete();
        }
        catch (Exception e) { frames.Writer.TryComplete(e is OperationCanceledException ? null : e); }
    }

    /// <summary>The next frame, or null at the end of the video.</summary>
    public async Task<RgbaImage?> ReadAsync(CancellationToken ct) =>
        await frames.Reader.WaitToReadAsync(ct) && frames.Reader.TryRead(out var frame) ? frame : null;

    public string Errors { get { lock (errors) return errors.ToString().Trim(); } }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (!process.HasExited) try { process.Kill(); } catch (InvalidOperationException) { }
        try { await pump; } catch { }
        await process.WaitForExitAsync();
        process.Dispose();
        stop.Dispose();
    }
}

/// <summary>
/// Encodes RGBA frames to H.264 MP4 (ffmpeg ← stdin), copying the audio of the original. Writes to a hidden partial
/// file beside the output and moves it into place only on <see cref="CompleteAsync"/>: a cancel or a failure leaves no file.
/// Frames are handed to ffmpeg by a background task (two may wait), so the caller goes on with the next frame while
/// one is piped; a written frame must not be changed afterwards.
/// </summary>
public sealed class VideoFrameWriter : IAsyncDisposable
{
    readonly Process process;
    readonly string partial, output;
    readonly StringWriter errors = new();
    readonly Channel<RgbaImage> frames = Channel.CreateBounded<RgbaImage>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
    readonly CancellationTokenSource stop = new();
    readonly Task pump;
    bool completed;

    public VideoFrameWriter(string output, VideoInfo info, string audioFrom)
    {
        this.output = Path.GetFullPath(output);
        partial = Path.Combine(Path.GetDirectoryName(this.output)!, "." + Path.GetFileNameWithoutExtension(this.output) + ".partial" + Path.GetExtension(this.output));
        var fps = info.Fps.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        List<string> args = ["-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba", "-s", $"{info.Width}x{info.Height}", "-r", fps, "-i", "-"];
        if (info.HasAudio) args.AddRange(["-i", audioFrom, "-map", "0:v:0", "-map", "1:a:0?", "-c:a", "copy"]);
        args.AddRange(["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", partial]);
        var start = new ProcessStartInfo(Ffmpeg.Find("ffmpeg"), args) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.WriteLine(e.Data); };
        process.BeginErrorReadLine();
        pump = Task.Run(() => PumpAsync(stop.Token));
    }

    async Task PumpAsync(CancellationToken ct)
    {
        var stdin = process.StandardInput.BaseStream;
        try
        {
            await foreach (var frame in frames.Reader.ReadAllAsync(ct)) await stdin.WriteAsync(frame.Data, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever stops the pump ends the channel too: a writer waiting for room must not wait for ever.
            var error = e is IOException ? new VideoException($"ffmpeg stopped encoding: {Errors}", e) : e;
            frames.Writer.TryComplete(error);
            if (error == e) throw;
            throw error;
        }
    }

    public async Task WriteAsync(RgbaImage frame, CancellationToken ct)
    {
        if (pump.IsFaulted) await pump;   // the encoder's failure, said at the next frame
        try { await frames.Writer.WriteAsync(frame, ct); }
        catch (ChannelClosedException) { await pump; throw; }
    }

    public async Task CompleteAsync(CancellationToken ct)
    {
        frames.Writer.TryComplete();
        await pump.WaitAsync(ct);
        process.StandardInput.Close();
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0) throw new VideoException($"ffmpeg could not write {output}: {Errors}");
        File.Move(partial, output, overwrite: true);
        completed = true;
    }

    string Errors { get { lock (errors) return errors.ToString().Trim(); } }

    public async ValueTask DisposeAsync()
    {
        frames.Writer.TryComplete();
        await stop.CancelAsync();
        if (!process.HasExited) try { process.Kill(); } catch (InvalidOperationException) { }
        try { await pump; } catch { /* its failure was reported, or we are throwing already */ }
        await process.WaitForExitAsync();
        process.Dispose();
        stop.Dispose();
        if (!completed && File.Exists(partial)) File.Delete(partial);
    }
}
