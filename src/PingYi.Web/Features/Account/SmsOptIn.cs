using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using PingYi.Data.Identity;
using PingYi.Web.Features.Complaints.Handling;
using PingYi.Web.Features.Notifications;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Account;

/// <summary>
/// A staff member's own choice of an SMS for urgent notices (督办 and level-3 escalation) besides the e-mail
/// (<see cref="StaffUser.SmsUrgentNotices"/>, to <see cref="IdentityUser.PhoneNumber"/>, read by the notice writer).
/// Opting in needs a mainland mobile number (a landline gets no text message); opting out erases the number,
/// which is kept for nothing else. The number is shown masked (138****5678), never in full.
/// </summary>
public static class SmsOptIn
{
    /// <param name="MaskedMobile">The number on file, masked; null when none.</param>
    public sealed record Settings(bool Enabled, string? MaskedMobile);

    /// <param name="Mobile">The number to use; empty keeps the one on file when there is one.</param>
    public sealed record Body(bool Enabled, string? Mobile);

    public sealed class Handler(UserManager<StaffUser> users)
    {
        public async Task<Result<Settings>> GetAsync(ClaimsPrincipal principal)
        {
            var user = principal.UserId() is { } id ? await users.FindByIdAsync(id) : null;
            return user is null ? SignedOut() : Of(user);
        }

        public async Task<Result<Settings>> SaveAsync(ClaimsPrincipal principal, Body body)
        {
            var user = principal.UserId() is { } id ? await users.FindByIdAsync(id) : null;
            if (user is null)
            {
                return SignedOut();
            }
            if (body.Enabled)
            {
                var given = string.IsNullOrWhiteSpace(body.Mobile) ? null : body.Mobile.Trim();
                var mobile = SmsNotices.Mobile(given ?? user.PhoneNumber);
                if (mobile is null)
                {
                    return RequestFailure.Invalid("提交的内容有误", "mobile", given is null
                        ? "接收短信需要填写手机号码。"
                        : "请填写 11 位中国大陆手机号码（可带 +86），固定电话不能接收短信。");
                }
                user.PhoneNumber = mobile;
                user.SmsUrgentNotices = true;
            }
            else
            {
                user.SmsUrgentNotices = false;
                user.PhoneNumber = null;
            }
            var saved = await users.UpdateAsync(user);
            return saved.Succeeded
                ? Of(user)
                : RequestFailure.Invalid("提交的内容有误", "mobile", string.Join(" ", saved.Errors.Select(e => e.Description)));
        }

        private static Settings Of(StaffUser user) => new(user.SmsUrgentNotices, ContactMask.Phone(user.PhoneNumber));

        private static RequestFailure SignedOut() => RequestFailure.Field(FailureKind.Unauthenticated, "请先登录", "user", "请先登录。");
    }
}
