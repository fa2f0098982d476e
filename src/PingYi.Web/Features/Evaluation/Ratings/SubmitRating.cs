using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using PingYi.Data;
using PingYi.Domain.Common;
using PingYi.Domain.Evaluation;
using PingYi.Web.Infrastructure;

namespace PingYi.Web.Features.Evaluation.Ratings;

/// <summary>An evaluator's rating of one unit from their source, with the source's questionnaire items.</summary>
public static class SubmitRating
{
    /// <param name="FormReference">The paper form's serial or the respondent's code: unique per round, source and unit.</param>
    public sealed record Request(string? Source, string? UnitCode, string? Rating, string? Comment, Dictionary<string, string?>? Answers, string? FormReference = null);

    /// <param name="AwaitingConfirmation">Beyond the round's cap for this account and unit: counted only once a Supervisor confirms it.</param>
    public sealed record Response(long Id, int Year, string Source, string UnitCode, string Rating, string? FormReference, bool AwaitingConfirmation);

    public sealed class Handler(PingYiDbContext db, Rounds rounds, IAuthorizationService authorization, TimeProvider time)
    {
        public async Task<Result<Response>> HandleAsync(int year, Request request, ClaimsPrincipal user, ResponseChannel channel, CancellationToken ct)
        {
            var found = await rounds.OpenAsync(year, ct);
            if (!found.Succeeded)
            {
                return found.Failure!;
            }
            var (round, definition) = found.Value!;
            var checkedRequest = await CheckAsync(definition, request, user, ct);
            if (!checkedRequest.Succeeded)
            {
                return checkedRequest.Failure!;
            }
            var (unit, filled) = checkedRequest.Value;
            var source = request.Source!.Trim();
            var reference = request.FormReference!.Trim();
            if (await db.EvaluationResponses.AnyAsync(r => r.RoundId == round.Id && r.Source == source && r.UnitId == unit.Id && r.FormReference == reference, ct))
            {
                return DuplicateReference(reference, unit.Name);
            }
            var evaluator = user.UserId();
            var entered = await db.EvaluationResponses.CountAsync(r => r.RoundId == round.Id && r.EvaluatorId == evaluator && r.UnitId == unit.Id && r.Source == source, ct);
            var response = new EvaluationResponse(round.Id, unit.Id, source, filled.Rating, filled.Comment, channel,
                evaluator, browserKey: null, publicDay: null, time.GetUtcNow().UtcDateTime, filled.Answers,
                reference, awaitingConfirmation: entered >= definition.RatingsPerAccountAndUnit);
            db.EvaluationResponses.Add(response);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                db.Entry(response).State = EntityState.Detached;
                // Two entries of the same form at once: the unique index let one in.
                if (await db.EvaluationResponses.AsNoTracking().AnyAsync(
                        r => r.RoundId == round.Id && r.Source == source && r.UnitId == unit.Id && r.FormReference == reference, CancellationToken.None))
                {
                    return DuplicateReference(reference, unit.Name);
                }
                throw;
            }
            return new Response(response.Id, year, response.Source, unit.Code, response.Rating, response.FormReference, response.AwaitingConfirmation);
        }

        public static RequestFailure DuplicateReference(string reference, string unitName) =>
            RequestFailure.Field(StatusCodes.Status409Conflict, "评议表已录入", "formReference", $"评议表编号“{reference}”已录入过对“{unitName}”的评议，同一张评议表不能重复录入。");

        /// <summary>
        /// Validates one rating without saving it: the spreadsheet import checks every row first and saves
        /// none when any is bad. Unknown source or unit → 400; a source or unit the account may not rate → 403.
        /// </summary>
        public async Task<Result<(Domain.Units.Unit Unit, Questionnaires.Filled Filled)>> CheckAsync(EvaluationRoundDefinition definition, Request request, ClaimsPrincipal user, CancellationToken ct)
        {
            var errors = new ValidationErrors();
            var source = definition.FindSource(request.Source?.Trim() ?? string.Empty);
            if (source is null)
            {
                errors.Add("source", $"评议来源只能是：{string.Join("、", definition.Sources.Where(s => s.Input == SourceInput.Rating).Select(s => $"{s.Code}（{s.Label}）"))}。");
            }
            else if (source.Input != SourceInput.Rating)
            {
                errors.Add("source", $"“{source.Label}”不通过评议表录入。");
            }
            var unit = await rounds.UnitAsync(request.UnitCode, ct);
            if (unit is null)
            {
                errors.Add("unitCode", string.IsNullOrWhiteSpace(request.UnitCode) ? "请填写被评议单位代码。" : $"没有代码为“{request.UnitCode}”的参评单位。");
            }
            if (!errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            var allowed = await authorization.AuthorizeAsync(user, new RatingTarget(definition, source!.Code, unit!.Code), RatingRequirement.Enter);
            if (!allowed.Succeeded)
            {
                return source.Code == EvaluationCodes.Liaison && user.EvaluationSource() == EvaluationCodes.Liaison
                    ? RequestFailure.Field(StatusCodes.Status403Forbidden, "无权评议该单位", "unitCode", $"“{unit.Name}”不在您负责联系的单位中。")
                    : RequestFailure.Field(StatusCodes.Status403Forbidden, "无权录入该来源的评议", "source", $"您的账号不能录入“{source.Label}”的评议。");
            }
            var filled = Questionnaires.Validate(definition, definition.QuestionnaireFor(source.Code), request.Rating, request.Comment, request.Answers, errors);
            if (string.IsNullOrWhiteSpace(request.FormReference))
            {
                errors.Add("formReference", "请填写评议表编号（纸质评议表上的编号，或评议人的评议码）。");
            }
            else if (request.FormReference.Trim().Length > EvaluationResponse.MaxFormReferenceLength)
            {
                errors.Add("formReference", $"评议表编号不能超过 {EvaluationResponse.MaxFormReferenceLength} 个字符。");
            }
            if (filled is null || !errors.IsEmpty)
            {
                return RequestFailure.Invalid(errors);
            }
            return (unit, filled);
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/evaluations/{year:int}/ratings", async (int year, HttpContext http, Handler handler, CancellationToken ct) =>
            {
                var body = await ApiBody.ReadJsonAsync<Request>(http, 64 * 1024, ct);
                if (!body.Succeeded)
                {
                    return body.Failure!.ToProblem();
                }
                var result = await handler.HandleAsync(year, body.Value!, http.User, ResponseChannel.Form, ct);
                return result.Succeeded
                    ? Results.Created($"/api/v1/evaluations/{year}/inputs?unit={result.Value!.UnitCode}", result.Value)
                    : result.Failure!.ToProblem();
            })
            .RequireAuthorization()
            .WithName("SubmitRating")
            .Produces<Response>(StatusCodes.Status201Created)
            .WithSummary("录入评议（评议工作人员，限本账号的评议来源）")
            .WithDescription("Body: { \"source\", \"unitCode\", \"rating\": \"satisfied\" | \"basically-satisfied\" | \"dissatisfied\", \"comment\"?, \"answers\"?: { \"<item code>\": \"<option code or text>\" }, \"formReference\": \"<paper form serial or respondent code>\" }. The same formReference again for the round, source and unit → 409; beyond the round's cap per account and unit the rating waits for a Supervisor's confirmation (awaitingConfirmation).")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }
}
