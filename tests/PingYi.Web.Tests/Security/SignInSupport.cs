using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PingYi.Web.Tests.Infrastructure;
using static PingYi.Web.Tests.Infrastructure.StaffApi;
using static PingYi.Web.Tests.Infrastructure.TestData;

namespace PingYi.Web.Tests.Security;

/// <summary>
/// A browser for the sign-in pages: cookies carried by hand (the app's clock is fake and days behind the real one,
/// so a cookie container would drop the auth cookie as expired), antiforgery tokens read from the forms.
/// </summary>
public sealed partial class PageBrowser(AppFactory app, string? peer = null)
{
    private readonly HttpClient _client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
    private readonly Dictionary<string, string> _cookies = new();

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }
        if (peer is not null)
        {
            request.Headers.Add("X-Test-Peer", peer);
        }
        var response = await _client.SendAsync(request);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = header.Split(';')[0].Split('=', 2);
            if (pair[1].Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
            {
                _cookies.Remove(pair[0]);
            }
            else
            {
                _cookies[pair[0]] = pair[1];
            }
        }
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

    /// <summary>GETs the page, then posts the form with its antiforgery token (to <paramref name="action"/> if given).</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string page, IDictionary<string, string> fields, string? action = null)
    {
        var html = await (await GetAsync(page)).Content.ReadAsStringAsync();
        return await PostFormAsync(action ?? page, fields, Token(html));
    }

    public Task<HttpResponseMessage> PostFormAsync(string url, IDictionary<string, string> fields, string token)
    {
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token };
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) });
    }

    /// <summary>The password step of /account/login.</summary>
    public Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        SubmitAsync("/account/login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });

    public static string Token(string html) => AntiforgeryToken().Match(html).Groups[1].Value;

    /// <summary>The text of the page's error alert (the one message a refused sign-in shows).</summary>
    public static string Alert(string html) => WebUtility.HtmlDecode(AlertText().Match(html).Groups[1].Value.Trim());

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<div class=\"alert error\" role=\"alert\">([^<]*)</div>")]
    private static partial Regex AlertText();
}

/// <summary>RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) as an authenticator app computes it from the shared key.</summary>
public static partial class Totp
{
    public static string Code(string base32Key, DateTimeOffset now)
    {
        var key = FromBase32(base32Key);
        var step = now.ToUnixTimeSeconds() / 30;
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }
#pragma warning disable CA5350 // RFC 6238 authenticators use HMAC-SHA1; this computes what the phone app computes.
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A code that is certainly wrong now (differs from every code of the accepted window).</summary>
    public static string Wrong(string base32Key, DateTimeOffset now)
    {
        var valid = Enumerable.Range(-3, 7).Select(i => Code(base32Key, now.AddSeconds(30 * i))).ToHashSet();
        return Enumerable.Range(0, 100).Select(i => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).First(c => !valid.Contains(c));
    }

    /// <summary>The shared key as the enrolment page shows it (id <c>authenticator-key</c>).</summary>
    public static string KeyFromPage(string html) => KeyText().Match(html).Groups[1].Value;

    public static IReadOnlyList<string> RecoveryCodesFromPage(string html) =>
        RecoveryCodes().Match(html).Groups[1].Value.Split("<li>", StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Replace("</li>", string.Empty, StringComparison.Ordinal).Trim()).Where(s => s.Length > 0).ToList();

    private static byte[] FromBase32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = text.Replace(" ", string.Empty, StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant();
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)((buffer >> (bits - 8)) & 0xff));
                bits -= 8;
            }
        }
        return [.. bytes];
    }

    [GeneratedRegex("id=\"authenticator-key\">([^<]+)<")]
    private static partial Regex KeyText();

    [GeneratedRegex("<ul class=\"mono\">(.*?)</ul>", RegexOptions.Singleline)]
    private static partial Regex RecoveryCodes();
}

/// <summary>Sign-in through the API: the answers compared by the tests, and a bearer client from a token.</summary>
public static class SignInApi
{
    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password, string? totpCode = null, string? recoveryCode = null, string? peer = null)
    {
        var body = new JsonObject { ["email"] = email, ["password"] = password };
        if (totpCode is not null)
        {
            body["totpCode"] = totpCode;
        }
        if (recoveryCode is not null)
        {
            body["recoveryCode"] = recoveryCode;
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = Json(body) };
        if (peer is not null)
        {
            request.Headers.Add("X-Test-Peer", peer);
        }
        return client.SendAsync(request);
    }

    /// <summary>The problem's code, after checking the status and the media type.</summary>
    public static async Task<string> ProblemCodeAsync(HttpResponseMessage response, HttpStatusCode expected) =>
        (await ExpectProblemAsync(response, expected))["code"]!.GetValue<string>();

    /// <summary>The body without its per-request trace id, for comparing two answers byte for byte.</summary>
    public static async Task<string> ComparableAsync(HttpResponseMessage response)
    {
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        json.Remove("traceId");
        return json.ToJsonString();
    }

    public static HttpClient Bearer(AppFactory app, string accessToken)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }
}
