using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace PingYi.Web.Features.Staff;

/// <summary>
/// Staff pages authenticate with the sign-in cookie only. The host's default scheme (from
/// AddIdentityApiEndpoints) challenges with Bearer, which answers a signed-out browser with a bare 401;
/// naming the cookie scheme makes the challenge redirect to /account/login and come back afterwards.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class StaffPageAttribute : AuthorizeAttribute
{
    public StaffPageAttribute()
    {
        AuthenticationSchemes = IdentityConstants.ApplicationScheme;
    }
}
