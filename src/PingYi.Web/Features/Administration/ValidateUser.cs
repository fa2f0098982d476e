using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using PingYi.Domain.Common;

namespace PingYi.Web.Features.Administration;

public static partial class ManageUsers
{
    public sealed partial class Handler
    {
        private async Task<ValidUser?> ValidateAsync(UserBody body, ValidationErrors errors, CancellationToken ct)
        {
            var email = body.Email?.Trim();
            if (string.IsNullOrEmpty(email))
            {
                errors.Add("email", "请填写电子邮箱。");
            }
            else if (email.Length > 254 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !email.Contains('.', StringComparison.Ordinal))
            {
                errors.Add("email", "电子邮箱格式不正确。");
            }
            var name = Text.Clean(body.DisplayName, multiline: false);
            if (name is null)
            {
                errors.Add("displayName", "请填写姓名或称呼。");
            }
            else if (Text.CharacterCount(name) > 100)
            {
                errors.Add("displayName", "姓名或称呼不能超过 100 个字。");
            }
            var role = body.Role?.Trim().ToLowerInvariant();
            if (Roles.All(r => r.Code != role))
            {
                errors.Add("role", $"角色无效，应为 {string.Join("、", Roles.Select(r => r.Code))} 之一。");
            }
            int? unitId = null;
            var unitCode = string.IsNullOrWhiteSpace(body.UnitCode) ? null : body.UnitCode.Trim().ToLowerInvariant();
            if (role == "unit-handler")
            {
                if (unitCode is null)
                {
                    errors.Add("unitCode", "单位承办人必须绑定一个参评单位，请填写单位代码。");
                }
                else
                {
                    var unit = await db.Units.AsNoTracking().Where(u => u.Code == unitCode).Select(u => new { u.Id, u.Active }).FirstOrDefaultAsync(ct);
                    if (unit is null)
                    {
                        errors.Add("unitCode", $"找不到单位代码“{unitCode}”。");
                    }
                    else if (!unit.Active)
                    {
                        errors.Add("unitCode", $"单位“{unitCode}”已撤销，不能再绑定承办人。");
                    }
                    else
                    {
                        unitId = unit.Id;
                    }
                }
            }
            else if (unitCode is not null && role is not null && Roles.Any(r => r.Code == role))
            {
                errors.Add("unitCode", "只有单位承办人绑定参评单位。");
            }
            var source = string.IsNullOrWhiteSpace(body.Source) ? null : body.Source.Trim().ToLowerInvariant();
            if (role == "evaluator")
            {
                if (!EvaluationSources.IsValid(source))
                {
                    errors.Add("source", $"评议工作人员必须绑定一个评议来源：{string.Join("、", EvaluationSources.All.Select(s => s.Code))}。");
                }
            }
            else if (source is not null && role is not null && Roles.Any(r => r.Code == role))
            {
                errors.Add("source", "只有评议工作人员绑定评议来源。");
            }
            return errors.IsEmpty ? new ValidUser(email!, name!, role!, unitId, unitCode, source, body.Active ?? true) : null;
        }
    }
}
