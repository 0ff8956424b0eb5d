using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace Likeness.Providers.Webhooks;

/// <summary>
/// Ed25519 (RFC 8032) through BouncyCastle.Cryptography: .NET has no Ed25519 type, and a managed implementation
/// needs no native library. Verification is what webhooks need; signing exists for tests and local tools.
/// </summary>
public static class Ed25519
{
    public const int KeySize = 32;
    public const int SignatureSize = 64;

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != KeySize || signature.Length != SignatureSize) return false;
        var m = message.ToArray();
        return Rfc8032.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, m, 0, m.Length);
    }

    /// <summary>The public key of a 32-byte private key (seed).</summary>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        CheckPrivate(privateKey);
        var publicKey = new byte[KeySize];
        Rfc8032.GeneratePublicKey(privateKey.ToArray(), 0, publicKey, 0);
        return publicKey;
    }

    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        CheckPrivate(privateKey);
        var signature = new byte[SignatureSize];
        var m = message.ToArray();
        Rfc8032.Sign(privateKey.ToArray(), 0, m, 0, m.Length, signature, 0);
        return signature;
    }

    static void CheckPrivate(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize) throw new ArgumentException($"An Ed25519 private key is {KeySize} bytes.", nameof(privateKey));
    }
}
