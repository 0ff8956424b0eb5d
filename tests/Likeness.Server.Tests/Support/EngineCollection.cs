namespace Likeness.Server.Tests.Support;

/// <summary>Tests that run the vision engine share one server, so its ONNX sessions load once and heavy jobs do not compete for the two cores.</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "engine";
}
