using System.CommandLine;
using System.Text.Json;
using Likeness.Inference;
using Likeness.Vision.Identity;
using Spectre.Console;

namespace Likeness.Cli.Commands;

/// <summary><c>likeness compare A B [--json]</c>: same person or not, at the calibrated threshold. Exit 0 same, 1 different, 2 error.</summary>
public static class CompareCommand
{
    public const int Same = 0, Different = 1, Error = 2;

    public static Command Create(IAnsiConsole? console = null)
    {
        var output = console ?? AnsiConsole.Console;
        var command = new Command("compare", "Compare the faces in two photos (or a folder of reference photos against a photo): similarity, calibrated threshold, verdict. Exit code 0 same, 1 different, 2 error.");
        var a = new Argument<string>("A") { Description = "A photo, or a folder of reference photos of one person (their faces are averaged into a template)." };
        var b = new Argument<string>("B") { Description = "The photo to compare." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var model = new Option<string>("--model") { Description = $"Embedding model: {string.Join(" or ", FaceEmbedders.Names)} (default {IdentityVerificationSettings.Default.Model}), each with its calibrated threshold." };
        var storeOptions = new ModelStoreCliOptions();
        command.Arguments.Add(a);
        command.Arguments.Add(b);
        command.Options.Add(json);
        command.Options.Add(model);
        storeOptions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var report = new CompareReport(output, parse.GetValue(json));
            try
            {
                var settings = parse.GetValue(model) is { Length: > 0 } name ? IdentityThresholds.For(name) : IdentityVerificationSettings.Default;
                using var store = storeOptions.CreateStore(parse);
                using var sessions = new ModelSessions(store);
                var service = new FaceIdentityService(sessions, settings);
                return await CompareAsync(service, parse.GetValue(a)!, parse.GetValue(b)!, report, ct);
            }
            catch (Exception e) when (e is LikenessException or ArgumentException or IOException or Models.ModelUnavailableException)
            {
                return report.Fail(e.Message);
            }
        });
        return command;
    }

    static async Task<int> CompareAsync(FaceIdentityService service, string a, string b, CompareReport report, CancellationToken ct)
    {
        if (!Directory.Exists(a) && !File.Exists(a)) return report.Fail($"{a}: no such photo or folder");
        if (!File.Exists(b)) return report.Fail(Directory.Exists(b) ? $"{b} is a folder: B must be one photo (only A may be a folder of reference photos)" : $"{b}: no such photo");

        IdentityTemplate? reference;
        IReadOnlyList<PhotoEmbedding> references;
        if (Directory.Exists(a))
        {
            var files = ReferencePhotos.InFolder(a);
            if (files.Count == 0) return report.Fail($"{a} holds no .jpg, .jpeg, .png or .webp photos: put reference photos of one person in it");
            (reference, references) = await service.BuildTemplateAsync(files, ct);
        }
        else
        {
            var photo = await service.EmbedFileAsync(a, ct);
            (reference, references) = (photo.Embedding is { } e ? IdentityTemplate.FromEmbeddings([e]) : null, [photo]);
        }
        var probe = await service.EmbedFileAsync(b, ct);

        var problems = references.Concat([probe]).Where(p => p.Embedding is null).ToList();
        if (probe.Embedding is null)
            return report.Fail($"{b} has no usable face: {probe.Result.Problem}", problems);
        if (reference is null)
            return report.Fail(references.Count == 1
                ? $"{a} has no usable face: {references[0].Result.Problem}"
                : $"none of the {references.Count} photos in {a} has a usable face: add clear, frontal photos of the person", problems);
        var verdict = service.Compare(reference, probe.Embedding);
        return report.Result(verdict, reference, references, probe, problems);
    }

    /// <summary>Prints either human text or one JSON document, and returns the exit code.</summary>
    sealed class CompareReport(IAnsiConsole console, bool json)
    {
        static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

        public int Fail(string message, IReadOnlyList<PhotoEmbedding>? problems = null)
        {
            problems ??= [];
            if (json)
            {
                Write(new { error = message, photos = problems.Select(p => new { path = p.Path, problem = p.Result.Problem }) });
                return Error;
            }
            if (problems.Count > 1)
                foreach (var p in problems) console.MarkupLine($"[red]{Markup.Escape(p.Path)}[/]: {Markup.Escape(p.Result.Problem ?? "")}");
            console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
            return Error;
        }

        public int Result(IdentityVerdict verdict, IdentityTemplate reference, IReadOnlyList<PhotoEmbedding> references, PhotoEmbedding probe, IReadOnlyList<PhotoEmbedding> skipped)
        {
            var usable = references.Where(r => r.Embedding is not null).ToList();
            var agreement = reference.MemberAgreement();
            if (json)
            {
                Write(new
                {
                    similarity = Math.Round(verdict.Similarity, 4),
                    threshold = verdict.Threshold,
                    model = verdict.Model,
                    verdict = verdict.IsSame ? "same" : "different",
                    a = usable.Select((r, i) => new { path = r.Path, agreement = usable.Count > 1 ? Math.Round(agreement[i], 4) : (double?)null, outlier = usable.Count > 1 && agreement[i] < verdict.Threshold }),
                    b = probe.Path,
                    skipped = skipped.Select(p => new { path = p.Path, problem = p.Result.Problem }),
                });
                return verdict.IsSame ? Same : Different;
            }
            foreach (var p in skipped) console.MarkupLine($"[yellow]skipped[/] {Markup.Escape(p.Path)}: {Markup.Escape(p.Result.Problem ?? "")}");
            if (usable.Count > 1)
            {
                console.MarkupLine($"template of {usable.Count} reference photos (each photo's similarity to the others' template):");
                for (int i = 0; i < usable.Count; i++)
                    console.MarkupLine($"  {agreement[i]:0.000} {Markup.Escape(usable[i].Path)}{(agreement[i] < verdict.Threshold ? " [yellow]outlier: another person or a poor photo? consider removing it[/]" : "")}");
            }
            foreach (var p in usable.Append(probe).Where(p => p.Result.OtherFaces > 0))
                console.MarkupLine($"[grey]{Markup.Escape(p.Path)} shows {p.Result.OtherFaces + 1} faces; the largest was used[/]");
            console.MarkupLine($"similarity {verdict.Similarity:0.000}, threshold {verdict.Threshold:0.000} ({Markup.Escape(verdict.Model)}, calibrated)");
            console.MarkupLine(verdict.IsSame ? "[green]same person[/]" : "[red]different people[/]");
            return verdict.IsSame ? Same : Different;
        }

        void Write(object value) => console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, Indented));
    }
}
