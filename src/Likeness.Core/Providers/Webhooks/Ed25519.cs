using System.Runtime.InteropServices;
using Likeness.Native;

namespace Likeness.Providers.Webhooks;

/// <summary>
/// Ed25519 (RFC 8032) through OpenSSL 3's EVP API: .NET has no Ed25519 type, and libcrypto is already
/// a dependency of .NET on Linux. Verification is what webhooks need; signing exists for tests and local tools.
/// </summary>
public static class Ed25519
{
    const int EvpPkeyEd25519 = 1087; // NID_ED25519
    public const int KeySize = 32;
    public const int SignatureSize = 64;

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != KeySize || signature.Length != SignatureSize) return false;
        var key = Native.EVP_PKEY_new_raw_public_key(EvpPkeyEd25519, 0, publicKey.ToArray(), KeySize);
        if (key == 0) return false;
        var ctx = Native.EVP_MD_CTX_new();
        try
        {
            return Native.EVP_DigestVerifyInit(ctx, 0, 0, 0, key) == 1
                && Native.EVP_DigestVerify(ctx, signature.ToArray(), SignatureSize, message.ToArray(), (nuint)message.Length) == 1;
        }
        finally
        {
            Native.EVP_MD_CTX_free(ctx);
            Native.EVP_PKEY_free(key);
            Native.ERR_clear_error(); // a failed verify leaves entries in this thread's OpenSSL error queue
        }
    }

    /// <summary>The public key of a 32-byte private key (seed).</summary>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        var key = PrivateKey(privateKey);
        try
        {
            var publicKey = new byte[KeySize];
            nuint length = KeySize;
            if (Native.EVP_PKEY_get_raw_public_key(key, publicKey, ref length) != 1) throw new InvalidOperationException("OpenSSL could not derive the Ed25519 public key.");
            return publicKey;
        }
        finally { Native.EVP_PKEY_free(key); }
    }

    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> message)
    {
        var key = PrivateKey(privateKey);
        var ctx = Native.EVP_MD_CTX_new();
        try
        {
            var signature = new byte[SignatureSize];
            nuint length = SignatureSize;
            if (Native.EVP_DigestSignInit(ctx, 0, 0, 0, key) != 1
                || Native.EVP_DigestSign(ctx, signature, ref length, message.ToArray(), (nuint)message.Length) != 1)
                throw new InvalidOperationException("OpenSSL could not sign with Ed25519.");
            return signature;
        }
        finally
        {
            Native.EVP_MD_CTX_free(ctx);
            Native.EVP_PKEY_free(key);
        }
    }

    static nint PrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeySize) throw new ArgumentException($"An Ed25519 private key is {KeySize} bytes.", nameof(privateKey));
        var key = Native.EVP_PKEY_new_raw_private_key(EvpPkeyEd25519, 0, privateKey.ToArray(), KeySize);
        return key != 0 ? key : throw new InvalidOperationException("OpenSSL rejected the Ed25519 private key.");
    }

    static class Native
    {
        [DllImport(NativeLibraries.Crypto)] public static extern nint EVP_PKEY_new_raw_public_key(int type, nint engine, byte[] key, nuint length);
        [DllImport(NativeLibraries.Crypto)] public static extern nint EVP_PKEY_new_raw_private_key(int type, nint engine, byte[] key, nuint length);
        [DllImport(NativeLibraries.Crypto)] public static extern int EVP_PKEY_get_raw_public_key(nint key, byte[] publicKey, ref nuint length);
        [DllImport(NativeLibraries.Crypto)] public static extern void EVP_PKEY_free(nint key);
        [DllImport(NativeLibraries.Crypto)] public static extern void ERR_clear_error();
        [DllImport(NativeLibraries.Crypto)] public static extern nint EVP_MD_CTX_new();
        [DllImport(NativeLibraries.Crypto)] public static extern void EVP_MD_CTX_free(nint ctx);
        [DllImport(NativeLibraries.Crypto)] public static extern int EVP_DigestVerifyInit(nint ctx, nint keyCtx, nint digest, nint engine, nint key);
        [DllImport(NativeLibraries.Crypto)] public static extern int EVP_DigestVerify(nint ctx, byte[] signature, nuint signatureLength, byte[] message, nuint messageLength);
        [DllImport(NativeLibraries.Crypto)] public static extern int EVP_DigestSignInit(nint ctx, nint keyCtx, nint digest, nint engine, nint key);
        [DllImport(NativeLibraries.Crypto)] public static extern int EVP_DigestSign(nint ctx, byte[] signature, ref nuint signatureLength, byte[] message, nuint messageLength);
    }
}
