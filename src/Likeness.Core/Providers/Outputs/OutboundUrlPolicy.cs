using System.Net;
using System.Net.Sockets;

namespace Likeness.Providers.Outputs;

/// <summary>SSRF guard for URLs a provider hands us. Tests opt in to http and loopback; production never should.</summary>
public sealed class OutboundUrlOptions
{
    public bool AllowHttp { get; set; }
    public bool AllowPrivateNetworks { get; set; }
}

public static class OutboundUrlPolicy
{
    /// <summary>Null when the URL may be fetched, else why not. DNS names are checked again at connect time.</summary>
    public static string? Problem(string url, OutboundUrlOptions options)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return "it is not an absolute URL";
        if (uri.Scheme != Uri.UriSchemeHttps && !(options.AllowHttp && uri.Scheme == Uri.UriSchemeHttp))
            return $"only https URLs are fetched (got {uri.Scheme})";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "URLs with credentials are not fetched";
        if (!options.AllowPrivateNetworks)
        {
            if (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return "loopback addresses are not fetched";
            if (IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IsPrivate(ip)) return $"private or reserved address {ip} is not fetched";
        }
        return null;
    }

    public static bool IsPrivate(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.Broadcast)) return true;
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return b[0] is 0 or 10 or 127 || b[0] >= 224
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && b[1] is 18 or 19);
        }
        var v6 = ip.GetAddressBytes();
        return ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC;
    }

    /// <summary>A handler that re-checks every resolved address when connecting, so DNS cannot point us inside.</summary>
    public static SocketsHttpHandler CreateHandler(OutboundUrlOptions options) => new()
    {
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 3,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
            var allowed = options.AllowPrivateNetworks ? addresses : addresses.Where(a => !IsPrivate(a)).ToArray();
            if (allowed.Length == 0)
                throw new HttpRequestException($"refused to connect to {host}: it resolves only to private or reserved addresses");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
