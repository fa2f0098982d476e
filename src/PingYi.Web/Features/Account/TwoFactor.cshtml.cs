using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PingYi.Data.Identity;
using PingYi.Web.Features.Administration;
using QRCoder;

namespace PingYi.Web.Features.Account;

/// <summary>
/// Enrolling an authenticator app (TOTP, RFC 6238, Identity's authenticator token provider): the shared key as text
/// and as a QR code, a code from the app to prove it works, then ten recovery codes shown once. Reachable by any
/// signed-in account, and the only page an account reaches while an administrator's requirement is unmet.
/// </summary>
public sealed class TwoFactorModel(UserManager<StaffUser> users, SignInManager<StaffUser> signIn, EnrolTwoFactor.Handler enrol) : PageModel
{
    public const int RecoveryCodeCount = 10;

    [BindProperty]
    public string? Code { get; set; }

    public bool Enabled { get; private set; }

    /// <summary>Read before anything re-issues the cookie (Identity's sign-in replaces <c>HttpContext.User</c>).</summary>
    public bool Required { get; private set; }

    /// <summary>The shared key in groups of four, as people type it into an app.</summary>
    public string? Key { get; private set; }

    public string? QrDataUri { get; private set; }

    public int RecoveryCodesLeft { get; private set; }

    /// <summary>Shown once, right after enrolment; only their hashes' presence is kept by Identity (as issued, in the token store).</summary>
    public IReadOnlyList<string> NewRecoveryCodes { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }
        await LoadAsync(user);
        // Shown once, after the redirect that follows enrolment; TempData is an encrypted cookie, read once.
        if (TempData[RecoveryCodesKey] is string codes)
        {
            NewRecoveryCodes = codes.Split(' ');
            RecoveryCodesLeft = NewRecoveryCodes.Count;
        }
        return Page();
    }

    private const string RecoveryCodesKey = "recovery-codes";

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }
        if (user.TwoFactorEnabled)
        {
            await LoadAsync(user);
            return Page();
        }
        var code = Code?.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        if (string.IsNullOrEmpty(code) || code.Length != 6 || !code.All(char.IsAsciiDigit)
            || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            Error = "动态验证码不正确：请确认手机时间准确，并输入身份验证器当前显示的 6 位数字。";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(user);
            return Page();
        }
        // Enabling renews the security stamp: every other session of the account ends; this one is issued afresh.
        NewRecoveryCodes = await enrol.EnableAsync(User, user, RecoveryCodeCount);
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new System.Security.Claims.Claim("amr", AccountModule.MultiFactor)]);
        TempData[RecoveryCodesKey] = string.Join(' ', NewRecoveryCodes);
        return RedirectToPage();
    }

    private async Task LoadAsync(StaffUser user)
    {
        Required = User.HasClaim(c => c.Type == StaffSessionValidator.MustEnrolTwoFactorClaim);
        Enabled = user.TwoFactorEnabled;
        if (Enabled)
        {
            RecoveryCodesLeft = await users.CountRecoveryCodesAsync(user);
            return;
        }
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // A new key renews the security stamp, which would end this very session: re-issue its cookie.
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
            await signIn.RefreshSignInAsync(user);
        }
        Key = Grouped(key!);
        var label = Uri.EscapeDataString("评议 PingYi:" + (user.Email ?? user.UserName));
        var uri = string.Create(CultureInfo.InvariantCulture, $"otpauth://totp/{label}?secret={key}&issuer={Uri.EscapeDataString("评议 PingYi")}&digits=6&period=30");
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        QrDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }

    private static string Grouped(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            text.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }
        return text.ToString().TrimEnd().ToLowerInvariant();
    }
}
