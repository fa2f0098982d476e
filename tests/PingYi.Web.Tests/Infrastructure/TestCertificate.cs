using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PingYi.Web.Tests.Infrastructure;

/// <summary>A self-signed RSA certificate in a password-protected .pfx, made once per test run, for <c>DataProtection:Certificate</c>.</summary>
public static class TestCertificate
{
    public const string Password = "test-only-pfx-password";

    private static readonly Lazy<string> File = new(() =>
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=PingYi Data Protection (tests)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = System.IO.Path.Combine(Directory.CreateTempSubdirectory("pingyi-cert-").FullName, "dataprotection.pfx");
        System.IO.File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    });

    public static string Path => File.Value;
}
