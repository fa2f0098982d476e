using Microsoft.AspNetCore.Authorization;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// A requirement met by holding one of <see cref="Roles"/>. Its handler checks the same list that
/// <c>/openapi/v1.json</c> publishes in the route's security requirement (OpenAPI 3.1 lets a non-OAuth scheme
/// list the roles a route needs), so the document cannot drift from the check.
/// </summary>
public interface IRoleRequirement : IAuthorizationRequirement
{
    IReadOnlyList<string> Roles { get; }
}

/// <summary>Succeeds a <typeparamref name="TRequirement"/> for a user in one of its roles.</summary>
public class RoleRequirementHandler<TRequirement> : AuthorizationHandler<TRequirement> where TRequirement : IRoleRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TRequirement requirement)
    {
        if (requirement.Roles.Any(context.User.IsInRole))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
