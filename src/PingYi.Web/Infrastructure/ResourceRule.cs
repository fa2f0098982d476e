using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// An authorization handler that is one rule about a user and a resource: it succeeds the requirement when
/// <see cref="Allows"/> says so and otherwise leaves it unmet (the caller answers 403 or 404).
/// </summary>
public abstract class ResourceRule<TRequirement, TResource> : AuthorizationHandler<TRequirement, TResource>
    where TRequirement : IAuthorizationRequirement
{
    protected abstract bool Allows(ClaimsPrincipal user, TRequirement requirement, TResource resource);

    protected sealed override Task HandleRequirementAsync(AuthorizationHandlerContext context, TRequirement requirement, TResource resource)
    {
        if (Allows(context.User, requirement, resource))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
