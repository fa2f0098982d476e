using Microsoft.AspNetCore.Identity;

namespace PingYi.Data.Identity;

/// <summary>A staff account. A UnitHandler is bound to exactly one unit.</summary>
public sealed class StaffUser : IdentityUser
{
    public string DisplayName { get; set; } = string.Empty;

    public int? UnitId { get; set; }

    /// <summary>The evaluation source (e.g. <c>deputies</c>) an Evaluator account rates for.</summary>
    public string? EvaluationSource { get; set; }

    /// <summary>A disabled account cannot sign in, and its cookies and tokens stop working on the next request.</summary>
    public bool Disabled { get; set; }

    /// <summary>Set by an administrator's password reset: the next sign-in must choose a new password first.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>
    /// The person asked for an SMS (to <see cref="IdentityUser.PhoneNumber"/>) besides the e-mail for urgent notices:
    /// 督办 and level-3 escalation.
    /// </summary>
    public bool SmsUrgentNotices { get; set; }
}

public static class StaffRoles
{
    public const string Admin = "Admin";
    public const string Supervisor = "Supervisor";
    public const string UnitHandler = "UnitHandler";
    public const string Evaluator = "Evaluator";
    public const string Inspector = "Inspector";

    public static readonly IReadOnlyList<string> All = [Admin, Supervisor, UnitHandler, Evaluator, Inspector];

    public static string LabelOf(string role) => role switch
    {
        Admin => "系统管理员",
        Supervisor => "纪检监察工委",
        UnitHandler => "单位承办人",
        Evaluator => "评议工作人员",
        Inspector => "义务监督员",
        _ => role,
    };
}
