using System.Text.Json.Nodes;
using Likeness.Imaging;
using Likeness.Imaging.Codecs;
using Likeness.Providers.Costs;
using Likeness.Providers.Fal;
using Likeness.Providers.Replicate;
using Likeness.Providers.Service;
using Likeness.Providers.Tests.Fakes;
using Likeness.Vision.Pose.Templates;

namespace Likeness.Providers.Tests;

/// <summary>
/// PoseControl on Replicate: the ComfyUI graph <see cref="ComfyPoseWorkflow"/> builds for comfyui/any-comfyui-workflow,
/// checked node by node, by the fake's independent ComfyUI validator, and over loopback HTTP with only a Replicate token.
/// </summary>
public sealed class ReplicatePoseControlTests : IAsyncLifetime
{
    const string LoraUrl = "https://v3.fal.media/files/koala/identity-ohwx_pytorch_lora_weights.safetensors";
    const string Prompt = "A photorealistic photo of ohwx woman, the person from the reference photos: on a concert stage.";

    readonly Harness _h = new();
    FakeReplicate _rep = null!;

    public async Task InitializeAsync() => _rep = await FakeReplicate.StartAsync(_h.Clock);
    public async Task DisposeAsync() { await _rep.DisposeAsync(); _h.Dispose(); }

    static byte[] Skeleton(int width, int height)
        => ImageCodec.Encode(PoseControlImage.Render(PoseCatalog.Bundled.Get("stage-arm-raised"), width, height), ImageFormat.Png);

    static GenerationRequest Request(int width = 600, int height = 1000, long? seed = 1234, params LoraWeight[] loras) => new()
    {
        Operation = GenerationOperation.PoseControl,
        Prompt = Prompt,
        ControlImage = MediaInput.FromBytes(Skeleton(Math.Max(64, width / 16 * 16), Math.Max(64, height / 16 * 16))),
        Width = width,
        Height = height,
        Seed = seed,
        Loras = loras.Length > 0 ? loras : [new LoraWeight(LoraUrl, 0.9)],
    };

    static (string Id, JsonObject Node) Single(JsonObject graph, string classType)
        => graph.Where(n => n.Value!["class_type"]!.GetValue<string>() == classType).Select(n => (n.Key, n.Value!.AsObject())).Single();

    static (string Node, int Output) LinkOf(JsonObject node, string input)
    {
        var link = node["inputs"]![input]!.AsArray();
        return (link[0]!.GetValue<string>(), link[1]!.GetValue<int>());
    }

    static T In<T>(JsonObject node, string input) => node["inputs"]![input]!.GetValue<T>();

    [Fact]
    public void The_graph_wires_checkpoint_lora_prompt_guidance_union_controlnet_in_pose_mode_and_sampler()
    {
        var graph = ComfyPoseWorkflow.Build(Request());

        // Every link points at a node that exists, and at an output that node has.
        var outputs = new Dictionary<string, int>
        {
            ["CheckpointLoaderSimple"] = 3, ["LoraLoader"] = 2, ["LoadImage"] = 2, ["ControlNetApplyAdvanced"] = 2,
        };
        foreach (var (_, node) in graph)
            foreach (var (_, value) in node!["inputs"]!.AsObject())
                if (value is JsonArray link)
                {
                    var target = graph[link[0]!.GetValue<string>()];
                    Assert.NotNull(target);
                    Assert.InRange(link[1]!.GetValue<int>(), 0, outputs.GetValueOrDefault(target!["class_type"]!.GetValue<string>(), 1) - 1);
                }
        Assert.Equal(["CLIPTextEncode", "CLIPTextEncode", "CheckpointLoaderSimple", "ControlNetApplyAdvanced", "ControlNetLoader", "EmptyLatentImage",
            "FluxGuidance", "KSampler", "LoadImage", "LoraLoader", "SaveImage", "SetUnionControlNetType", "VAEDecode"],
            graph.Select(n => n.Value!["class_type"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        var (checkpoint, ckpt) = Single(graph, "CheckpointLoaderSimple");
        Assert.Equal("flux1-dev-fp8.safetensors", In<string>(ckpt, "ckpt_name"));
        var (lora, loraNode) = Single(graph, "LoraLoader");
        Assert.Equal(LoraUrl, In<string>(loraNode, "lora_name"));
        Assert.Equal(0.9, In<double>(loraNode, "strength_model"));
        Assert.Equal(0.9, In<double>(loraNode, "strength_clip"));
        Assert.Equal((checkpoint, 0), LinkOf(loraNode, "model"));
        Assert.Equal((checkpoint, 1), LinkOf(loraNode, "clip"));

        var (_, sampler) = Single(graph, "KSampler");
        var (apply, applyNode) = Single(graph, "ControlNetApplyAdvanced");
        Assert.Equal((lora, 0), LinkOf(sampler, "model"));
        Assert.Equal((apply, 0), LinkOf(sampler, "positive"));
        Assert.Equal((apply, 1), LinkOf(sampler, "negative"));
        Assert.Equal(1234, In<long>(sampler, "seed"));
        Assert.Equal(28, In<int>(sampler, "steps"));
        Assert.Equal(1.0, In<double>(sampler, "cfg"));
        Assert.Equal(("euler", "simple"), (In<string>(sampler, "sampler_name"), In<string>(sampler, "scheduler")));
        Assert.Equal(1.0, In<double>(sampler, "denoise"));

        // Positive: the prompt through the LoRA'd CLIP, then FluxGuidance 3.5; negative: an empty encode.
        var guidance = graph[LinkOf(applyNode, "positive").Node]!.AsObject();
        Assert.Equal("FluxGuidance", guidance["class_type"]!.GetValue<string>());
        Assert.Equal(3.5, In<double>(guidance, "guidance"));
        var positive = graph[LinkOf(guidance, "conditioning").Node]!.AsObject();
        Assert.Equal(Prompt, In<string>(positive, "text"));
        Assert.Equal((lora, 1), LinkOf(positive, "clip"));
        var negative = graph[LinkOf(applyNode, "negative").Node]!.AsObject();
        Assert.Equal("CLIPTextEncode", negative["class_type"]!.GetValue<string>());
        Assert.Equal("", In<string>(negative, "text"));

        // The union ControlNet set to "normal" (= FLUX union mode 4, pose), the skeleton from input.png, the VAE wired.
        var union = graph[LinkOf(applyNode, "control_net").Node]!.AsObject();
        Assert.Equal("SetUnionControlNetType", union["class_type"]!.GetValue<string>());
        Assert.Equal("normal", In<string>(union, "type"));
        Assert.Equal("FLUX.1-dev-ControlNet-Union-Pro.safetensors", In<string>(graph[LinkOf(union, "control_net").Node]!.AsObject(), "control_net_name"));
        Assert.Equal("input.png", In<string>(graph[LinkOf(applyNode, "image").Node]!.AsObject(), "image"));
        Assert.Equal((checkpoint, 2), LinkOf(applyNode, "vae"));
        Assert.Equal(FalInputs.PoseConditioningScale, In<double>(applyNode, "strength"));
        Assert.Equal((0.0, 1.0), (In<double>(applyNode, "start_percent"), In<double>(applyNode, "end_percent")));

        // 600x1000 asked: the latent is 592x992 (16-pixel blocks); decode with the checkpoint's VAE and save.
        var (latent, latentNode) = Single(graph, "EmptyLatentImage");
        Assert.Equal((592, 992, 1), (In<int>(latentNode, "width"), In<int>(latentNode, "height"), In<int>(latentNode, "batch_size")));
        Assert.Equal((latent, 0), LinkOf(sampler, "latent_image"));
        var (decode, decodeNode) = Single(graph, "VAEDecode");
        Assert.Equal((checkpoint, 2), LinkOf(decodeNode, "vae"));
        Assert.Equal((decode, 0), LinkOf(Single(graph, "SaveImage").Node, "images"));

        // The fake's own ComfyUI validator (written from ComfyUI's node definitions, not from this builder) agrees.
        var (ok, error) = FakeComfyUI.Validate(graph.ToJsonString(), "input.png");
        Assert.Null(error);
        Assert.Equal((Prompt, "normal", 592, 992, 1234L), (ok!.Prompt, ok.UnionType, ok.Width, ok.Height, ok.Seed));
    }

    [Fact]
    public void Two_loras_chain_on_model_and_clip_and_the_seed_is_random_unless_asked()
    {
        var request = Request(seed: null, loras: [new LoraWeight("https://example.com/a.safetensors", 1.0), new LoraWeight("https://example.com/b.safetensors", 0.6)]);
        var input = ComfyPoseWorkflow.Input(request);
        var graph = JsonNode.Parse(input["workflow_json"]!.GetValue<string>())!.AsObject();
        var loras = graph.Where(n => n.Value!["class_type"]!.GetValue<string>() == "LoraLoader").Select(n => (n.Key, Node: n.Value!.AsObject())).ToList();
        Assert.Equal(2, loras.Count);
        Assert.Equal((loras[0].Key, 0), LinkOf(loras[1].Node, "model"));
        Assert.Equal((loras[0].Key, 1), LinkOf(loras[1].Node, "clip"));
        Assert.Equal(0.6, In<double>(loras[1].Node, "strength_clip"));
        Assert.Equal((loras[1].Key, 0), LinkOf(Single(graph, "KSampler").Node, "model"));

        Assert.True(input["randomise_seeds"]!.GetValue<bool>()); // no seed asked: the model may re-seed
        Assert.False(ComfyPoseWorkflow.Input(Request(seed: 7))["randomise_seeds"]!.GetValue<bool>());
        Assert.NotEqual(In<long>(Single(ComfyPoseWorkflow.Build(request), "KSampler").Node, "seed"), In<long>(Single(ComfyPoseWorkflow.Build(request), "KSampler").Node, "seed"));
        Assert.Equal("png", input["output_format"]!.GetValue<string>());
        Assert.StartsWith("data:image/png;base64,", input["input_file"]!.GetValue<string>());

        Assert.Equal("input.jpg", ComfyPoseWorkflow.InputFileName(MediaInput.FromUrl("https://cdn.example.com/skeletons/pose.jpg?x=1")));
        Assert.Equal("input.webp", ComfyPoseWorkflow.InputFileName(MediaInput.FromBytes([1], "image/webp")));
    }

    [Fact]
    public void The_fake_refuses_the_openpose_trap_a_missing_vae_and_a_missing_input_file()
    {
        var graph = ComfyPoseWorkflow.Build(Request());
        Single(graph, "SetUnionControlNetType").Node["inputs"]!["type"] = "openpose";
        Assert.Contains("mode 0", FakeComfyUI.Validate(graph.ToJsonString(), "input.png").Error);

        graph = ComfyPoseWorkflow.Build(Request());
        Single(graph, "ControlNetApplyAdvanced").Node["inputs"]!.AsObject().Remove("vae");
        Assert.Contains("needs a VAE", FakeComfyUI.Validate(graph.ToJsonString(), "input.png").Error);

        Assert.Contains("Missing required input files: /tmp/inputs/input.png", FakeComfyUI.Validate(ComfyPoseWorkflow.Build(Request()).ToJsonString(), "input.jpg").Error);
    }

    [Fact]
    public async Task With_only_a_replicate_token_pose_control_runs_the_comfy_workflow_and_the_output_comes_back()
    {
        _h.AddReplicate(_rep);
        var reply = TestFiles.Png(40, 72, 30, 90, 160);
        _rep.ImageReplies.Enqueue(reply);
        var request = Request(width: 608, height: 1024);

        var result = await _h.Service().RunAsync(request, _h.Context(), CancellationToken.None);

        Assert.Equal(("replicate", FakeReplicate.ComfyModel), (result.Provider, result.Model));
        var create = _rep.Server.Requests.Single(r => r.Method == "POST");
        // A community model: created by its latest version (read with the schema), not by the official-models endpoint.
        Assert.Equal("/v1/predictions", create.Path);
        Assert.Equal(FakeReplicate.ComfyVersion, JsonNode.Parse(create.Body)!["version"]!.GetValue<string>());
        Assert.Contains(_rep.Server.Requests, r => r.Method == "GET" && r.Path == "/v1/models/comfyui/any-comfyui-workflow");
        var input = JsonNode.Parse(create.Body)!["input"]!.AsObject();
        Assert.Equal(["input_file", "output_format", "randomise_seeds", "workflow_json"], input.Select(p => p.Key).Order(StringComparer.Ordinal));

        var prediction = Assert.Single(_rep.Predictions.Values);
        Assert.Null(prediction.Failure);
        var workflow = prediction.Workflow!;
        Assert.Equal(Prompt, workflow.Prompt);
        Assert.Equal([(LoraUrl, 0.9)], workflow.Loras);
        Assert.Equal(("normal", "input.png", 608, 1024, 1234L), (workflow.UnionType, workflow.ControlImageFile, workflow.Width, workflow.Height, workflow.Seed));
        // The skeleton PNG arrived whole as input_file.
        Assert.Equal(request.ControlImage!.Bytes, prediction.InputFile);
        var skeleton = ImageCodec.Decode(prediction.InputFile!, "input");
        Assert.Equal((608, 1024), (skeleton.Width, skeleton.Height));

        // The model's output is downloaded and stored; the cost is GPU seconds at the estimated rate.
        var image = Assert.Single(result.Images);
        Assert.Equal(reply, await _h.ReadStoredAsync(image));
        var entry = Assert.Single(await _h.Ledger.ListAsync("alice", DateTimeOffset.MinValue, default));
        Assert.Equal((PriceUnit.Second, 1.8), (entry.Unit, entry.Units));
        Assert.Equal(PriceTable.Usd(new PriceTableOptions().Prices["replicate"][FakeReplicate.ComfyModel], 1.8), entry.EstimatedUsd);
    }

    [Fact]
    public async Task A_workflow_the_model_cannot_run_fails_with_its_message_and_a_lora_by_path_is_refused_up_front()
    {
        _h.AddReplicate(_rep);
        var local = Request() with { Loras = [new LoraWeight("/var/lib/likeness/loras/ohwx.safetensors", 0.9)] };
        var skipped = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(local, _h.Context(), CancellationToken.None));
        Assert.Contains("downloads LoRAs by http(s) URL", skipped.Message);
        Assert.Empty(_rep.Predictions);

        // A model version without the union ControlNet: the prediction is created (the input schema sees only a string)
        // and fails at run time with cog-comfyui's message.
        _rep.ComfyMissingWeights.Add(ComfyPoseWorkflow.ControlNet);
        _rep.Script = ["starting", "succeeded"];
        var failed = await Assert.ThrowsAsync<ProviderException>(() => _h.Service().RunAsync(Request(), _h.Context(), CancellationToken.None));
        Assert.Equal(FailureKind.ProviderFailed, failed.Kind);
        Assert.Contains("FLUX.1-dev-ControlNet-Union-Pro.safetensors unavailable", failed.Message);

        // A JPEG skeleton is named input.jpg, which the model saves it as: the graph reads the right file.
        _rep.ComfyMissingWeights.Clear();
        await _h.Service().RunAsync(Request() with { ControlImage = MediaInput.FromBytes(Skeleton(592, 992), "image/jpeg") }, _h.Context(), CancellationToken.None);
        Assert.Equal("input.jpg", _rep.Predictions.Values.Single(p => p.Failure is null).Workflow!.ControlImageFile);
    }

    [Fact]
    public void With_fal_and_replicate_configured_pose_control_tries_fal_first_then_replicate()
    {
        using var fal = new HttpClient();
        var providers = new List<IGenerativeProvider>
        {
            new ReplicateProvider(new HttpClient(), Microsoft.Extensions.Options.Options.Create(new ReplicateOptions { ApiKey = "r8_x" })),
            new FalProvider(fal, Microsoft.Extensions.Options.Options.Create(new FalOptions { ApiKey = "k" })),
        };
        var routes = RoutePlanner.Plan(Request(), providers, new GenerationOptions());
        Assert.Equal(["fal:fal-ai/flux-general", "replicate:comfyui/any-comfyui-workflow"], routes.Select(r => r.ToString()));
        Assert.Null(providers[0].Limitation(Request() with { ReferenceImages = [MediaInput.FromBytes([1])] }, ComfyPoseWorkflow.Model));
    }
}
