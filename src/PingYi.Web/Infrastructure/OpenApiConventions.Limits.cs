using System.Globalization;
using Microsoft.OpenApi;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// The bounds every string, array and integer of the document states (maxLength, maxItems, minimum/maximum):
/// each read from where the server enforces it — a constant of the handler, the workflow definitions, the EF model.
/// </summary>
public static partial class OpenApiConventions
{
    /// <summary>Limits the server enforces, by property name, where the generator cannot see them.</summary>
    private static readonly Dictionary<string, int> MaxLengths = new(StringComparer.Ordinal)
    {
        ["title"] = Domain.Complaints.ComplaintSubmission.TitleMax,
        ["description"] = Domain.Complaints.ComplaintSubmission.DescriptionMax,
        ["location"] = Domain.Complaints.ComplaintSubmission.LocationMax,
        ["name"] = Domain.Complaints.ComplaintSubmission.NameMax,
        ["text"] = Features.Complaints.Tracking.AddSupplement.TextMax,
        ["trackingNumber"] = 15,
        ["accessCode"] = 14,
        // ISO dates (yyyy-MM-dd): the server writes them so and reads only that form (occurredOn: ComplaintSubmission).
        ["occurredOn"] = 10, ["dueOn"] = 10, ["date"] = 10,
        // A staff account id: Identity makes every one a GUID string; a request body's id must equal an existing one.
        ["id"] = 36,
        // The complaint's version in quotes (GetStaffComplaint.ETagFor): an int and two quotes.
        ["eTag"] = 13,
        // The lists write cursors they would accept back, and refuse longer ones (ListComplaints.MaxCursorLength).
        ["nextCursor"] = Features.Complaints.Handling.ListComplaints.MaxCursorLength,
        ["accountabilityReason"] = Domain.Scoring.AccountabilityFlag.MaxReasonLength,
        // A person shown by display name (the column and the account form allow 100).
        ["by"] = 100, ["recordedBy"] = 100,
        // The audit's actor: a display name (100) or, for an account without one, its e-mail address (256).
        ["actor"] = 256,
        // The stored name of the complaint's reply letter (the attachment's file name column).
        ["replyLetter"] = 200,
        // A unit's contact e-mails: at most 254 characters each (ManageUnits.Validate).
        ["contactEmails"] = 254,
        // SHA-256 in lower-case hex (the approved result's fingerprints, docs/evaluation.md).
        ["fingerprint"] = 64, ["roundFingerprint"] = 64,
        // The contact given to recover an access code: longer is refused before it is trimmed (RecoverAccessCode.Normalize).
        ["contact"] = Features.Complaints.Tracking.RecoverAccessCode.ContactMax,
        // A registration's receivedAt: an ISO 8601 time with offset; longer is refused (StaffRegistration.ReceivedAt).
        ["receivedAt"] = Features.Complaints.Intake.StaffRegistration.MaxReceivedAtLength,
        // A unit's short names: at most 20 characters each as sent, padding included (ManageUnits.ValidateShortNames).
        ["shortNames"] = Features.Administration.ManageUnits.MaxShortNameLength,
        // A publication scope: internal, units or public; longer is refused before it is trimmed (SetPublication).
        ["scope"] = Features.Scoring.SetPublication.MaxScopeLength,
        // Accounts shown by e-mail address (Identity's column is 256): an appeal's filer and decider, a rating's evaluator,
        // the account in the audit of a staff access-code attempt (its display name, or e-mail address without one).
        ["filedBy"] = 256, ["decidedBy"] = 256, ["evaluator"] = 256, ["account"] = 256,
        // A scheme version's author and approver by display name (the column and the account form allow 100).
        ["createdBy"] = 100, ["approvedBy"] = 100,
        // A deduction's cited record: a tracking number (15) or a record number (a long: at most 19 digits).
        ["citesRef"] = 20,
        // Bulk actions: each listed tracking number, as sent (BulkAction: longer → 400).
        ["trackingNumbers"] = Features.Complaints.Handling.BulkAction.MaxTrackingNumberLength,
        // A case's ETag in the list (a row version in quotes) and the primary a case was merged into.
        ["etag"] = Features.Complaints.Handling.BulkAction.MaxETagLength,
        ["mergedInto"] = Features.Complaints.Handling.BulkAction.MaxTrackingNumberLength,
        // Display names of staff accounts (the account form allows 100): a case's holder in the inbox, a note's author.
        ["handlerName"] = 100, ["authorName"] = 100,
    };

    /// <summary>Arrays the server refuses beyond a count (and so never holds or answers more of).</summary>
    private static readonly Dictionary<string, int> MaxItems = new(StringComparer.Ordinal)
    {
        ["contactEmails"] = Features.Administration.ManageUnits.MaxContactEmails,
        // Counted as sent, blank and repeated entries too (ManageUnits.ValidateShortNames).
        ["shortNames"] = Features.Administration.ManageUnits.MaxShortNames,
        // Counted as sent (BulkAction: more → 400).
        ["trackingNumbers"] = Features.Complaints.Handling.BulkAction.MaxCases,
        // A case view lists the first MaxListed of its group (CaseGroupView); only arrays take these bounds.
        ["secondaries"] = Features.Complaints.Merging.CaseGroupView.MaxListed,
        ["forwarded"] = Features.Complaints.Merging.CaseGroupView.MaxListed,
        ["related"] = Features.Complaints.Merging.CaseGroupView.MaxListed,
    };

    /// <summary>
    /// Arrays bounded in one type only, where another type has a property of the same name sized differently:
    /// the type, the property, and the most the server ever answers.
    /// </summary>
    private static readonly Dictionary<Type, (string Property, int MaxItems)[]> TypeMaxItems = new()
    {
        // An inbox section lists its first cases (10; a unit's supervision notices and to-dos 50), the rest by moreLink;
        // the roles are the account's, from the fixed list of staff roles.
        [typeof(Features.Complaints.Handling.GetInbox.Section)] = [("rows", Math.Max(Features.Complaints.Handling.GetInbox.SectionSize, Features.Complaints.Handling.GetInbox.UnitSectionSize))],
        [typeof(Features.Complaints.Handling.GetInbox.View)] = [("roles", PingYi.Data.Identity.StaffRoles.All.Count), ("desk", Features.Complaints.Handling.GetInbox.DeskViews.Count)],
        // One outcome per case sent, and at most that many are taken (BulkAction).
        [typeof(Features.Complaints.Handling.BulkAction.Summary)] = [("outcomes", Features.Complaints.Handling.BulkAction.MaxCases)],
    };

    private static void LimitArraysOf(OpenApiSchema schema, Type type)
    {
        foreach (var (property, max) in TypeMaxItems.GetValueOrDefault(type) ?? [])
        {
            if (schema.Properties is { } properties && properties.TryGetValue(property, out var found) && found is OpenApiSchema { Type: { } t } p && t.HasFlag(JsonSchemaType.Array))
            {
                p.MaxItems ??= max;
            }
        }
    }

    /// <summary>
    /// Strings the server writes itself from code lists and workflow definitions (codes, labels, roles): short by
    /// construction. 100 is above the longest of them and below anything a client could make the server echo.
    /// </summary>
    private static readonly HashSet<string> GeneratedCodes = new(StringComparer.Ordinal)
    {
        "status", "statusLabel", "category", "categoryLabel", "label", "action", "actionLabel", "actorRole", "role", "roleLabel",
        "source", "satisfaction", "pendingRequest", "from", "to", "channel", "purpose", "tokenType", "workflow", "kindLabel",
        "endedBy", "sourceLabel", "ruleLabel", "resolved", "takenBy", "cites", "groundLabel", "reasonLabel", "satisfactionLabel",
        "highSource", "highLabel", "lowSource", "lowLabel", "roundStatus", "reviewReason", "deskView",
    };

    /// <summary>
    /// Free text a staff form or a complainant wrote, by property name. The workflow's own fields take the limit their
    /// definition gives them (<see cref="WorkflowTextLimits"/>), so a number changed in a definition file changes here too.
    /// </summary>
    private static Dictionary<string, int> WrittenText(IServiceProvider services)
    {
        var fields = WorkflowTextLimits(services);
        int Field(string name) => fields.GetValueOrDefault(name, Domain.Workflow.FieldValidator.DefaultTextMaxLength);
        return new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["findings"] = Field("findings"), ["measures"] = Field("measures"), ["publicReply"] = Field("publicReply"),
            // What the complainant reads as the reply is the unit's publicReply.
            ["reply"] = Field("publicReply"),
            // A suspension's expected outcome, as the complainant reads it, is the unit's expectation field.
            ["expected"] = Field("expectation"),
            // A 回访 call's notes.
            ["notes"] = Features.Supervision.Callbacks.RecordCallback.NotesMax,
            ["answer"] = Field("answer"),
            // A deduction's reason, and an accountability flag's.
            ["reason"] = Domain.Evaluation.Deduction.MaxReasonLength,
            // A supplement's note is its text plus "（附件 n 个）".
            ["note"] = Features.Complaints.Tracking.AddSupplement.TextMax + 20,
            // A timeline entry's internal note is what an action's text field held: at most the longest of them.
            ["internalNote"] = LongestWorkflowText(services),
        };
    }

    /// <summary>
    /// The longest text each workflow field name accepts across every loaded definition (a complaint pinned to an
    /// older version is still acted on with that version's fields): its <c>maxLength</c>, or the validator's default.
    /// </summary>
    private static Dictionary<string, int> WorkflowTextLimits(IServiceProvider services)
    {
        var limits = new Dictionary<string, int>(StringComparer.Ordinal);
        var definitions = services.GetRequiredService<WorkflowRuntime>().Registry.Definitions;
        foreach (var field in definitions.SelectMany(d => d.Actions).SelectMany(a => a.Fields).Where(f => f.Type == Domain.Workflow.FieldType.Text))
        {
            var max = field.MaxLength ?? Domain.Workflow.FieldValidator.DefaultTextMaxLength;
            limits[field.Name] = Math.Max(max, limits.GetValueOrDefault(field.Name));
        }
        return limits;
    }

    /// <summary>The most any workflow text field accepts (an action form's values are those fields).</summary>
    private static int LongestWorkflowText(IServiceProvider services) =>
        WorkflowTextLimits(services).Values.DefaultIfEmpty(Domain.Workflow.FieldValidator.DefaultTextMaxLength).Max();

    private static Dictionary<string, int>? _columnLengths;

    /// <summary>
    /// The lengths the database enforces, by property name (camelCase), from the EF model: a response property
    /// that comes straight from a column is no longer than its column. Where two columns share a name, the longer wins.
    /// </summary>
    private static Dictionary<string, int> ColumnLengths(IServiceProvider services)
    {
        if (_columnLengths is { } known)
        {
            return known;
        }
        var lengths = new Dictionary<string, int>(StringComparer.Ordinal);
        using var scope = services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<PingYi.Data.PingYiDbContext>().Model;
        foreach (var property in model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (property.ClrType == typeof(string) && property.GetMaxLength() is { } max)
            {
                var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
                lengths[name] = Math.Max(max, lengths.GetValueOrDefault(name));
            }
        }
        return _columnLengths = lengths;
    }

    /// <summary>Query and route parameters: the longest value the server accepts (anything longer is a 400 or 404).</summary>
    private static readonly Dictionary<string, int> ParameterLengths = new(StringComparer.OrdinalIgnoreCase)
    {
        ["q"] = 100,
        ["cursor"] = Features.Complaints.Handling.ListComplaints.MaxCursorLength,
        ["from"] = 10, ["to"] = 10,
        ["limit"] = 3,
        ["sort"] = 10, ["dir"] = 4,
        ["overdue"] = 5,
        ["status"] = 20, ["category"] = 20, ["kind"] = 40, ["actor"] = 256,
        ["unit"] = 50, ["code"] = 50, ["unitCode"] = 50,
        ["action"] = 40, ["job"] = 40, ["milestone"] = 40, ["source"] = 40,
        ["trackingNumber"] = 15,
        ["id"] = 450,
        // The 文号 entered at a document's download (RoundDocuments: longer → 400).
        ["number"] = Features.Scoring.RoundDocuments.MaxNumberLength,
        // A ledger evidence file's public id (FileIds): a longer one names no file (404).
        ["fileId"] = Domain.Common.FileIds.Length,
        // A unit handler's inbox tab: mine, unassigned or all (GetInbox: anything else → 400).
        ["desk"] = 10,
        // The statistics' grouping: unit, category, channel or month (GetStatistics: longer → 400).
        ["groupBy"] = Features.Statistics.GetStatistics.MaxGroupByLength,
    };

    private static void LimitParameters(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Schema is OpenApiSchema { Type: { } numeric } number && numeric.HasFlag(JsonSchemaType.Integer))
            {
                // Bounds of the route's type (ids are positive database keys).
                var int64 = number.Format == "int64";
                number.Minimum ??= parameter.Name == "id" ? "1" : int64 ? long.MinValue.ToString(CultureInfo.InvariantCulture) : int.MinValue.ToString(CultureInfo.InvariantCulture);
                number.Maximum ??= int64 ? long.MaxValue.ToString(CultureInfo.InvariantCulture) : int.MaxValue.ToString(CultureInfo.InvariantCulture);
            }
            if (parameter.Schema is OpenApiSchema { Type: { } type } schema && type.HasFlag(JsonSchemaType.String) && schema.MaxLength is null
                && schema.Enum is not { Count: > 0 })
            {
                if (type.HasFlag(JsonSchemaType.Integer))
                {
                    // A number that may be written as a string: at most 20 digits and a sign.
                    schema.MaxLength = 21;
                }
                else if (parameter.Name is { } name && ParameterLengths.TryGetValue(name, out var max))
                {
                    schema.MaxLength = max;
                }
            }
        }
    }

    private static void Limit(OpenApiSchema schema, IReadOnlyDictionary<string, int> columns, IReadOnlyDictionary<string, int> writtenText)
    {
        // A C# enum written as its number (UnitCategory) or any other integer schema: an int unless it says otherwise.
        if (schema.Type is { } own && own.HasFlag(JsonSchemaType.Integer) && schema.Format is null)
        {
            schema.Format = "int32";
        }
        LimitCountMap(schema);
        if (schema.Properties is null)
        {
            return;
        }
        foreach (var (name, property) in schema.Properties)
        {
            if (property is OpenApiSchema { Type: not null } p)
            {
                LimitProperty(name, p, columns, writtenText);
            }
        }
    }

    /// <summary>Maps of counts (a rating's counts per answer): the values are integers of their format, possibly written as strings.</summary>
    private static void LimitCountMap(OpenApiSchema schema)
    {
        if (schema.AdditionalProperties is OpenApiSchema { Type: { } valueType } value
            && (valueType.HasFlag(JsonSchemaType.Integer) || valueType.HasFlag(JsonSchemaType.Number)))
        {
            if (valueType.HasFlag(JsonSchemaType.Integer))
            {
                var int64 = value.Format == "int64";
                value.Minimum ??= int64 ? long.MinValue.ToString(CultureInfo.InvariantCulture) : int.MinValue.ToString(CultureInfo.InvariantCulture);
                value.Maximum ??= int64 ? long.MaxValue.ToString(CultureInfo.InvariantCulture) : int.MaxValue.ToString(CultureInfo.InvariantCulture);
            }
            if (valueType.HasFlag(JsonSchemaType.String))
            {
                // A number that may be written as a string (a double's round-trip form is at most 24 characters).
                value.MaxLength ??= 32;
            }
        }
    }

    private static void LimitProperty(string name, OpenApiSchema p, IReadOnlyDictionary<string, int> columns, IReadOnlyDictionary<string, int> writtenText)
    {
        if (p.Type!.Value.HasFlag(JsonSchemaType.Array) && name == "items" && p.MaxItems is null)
        {
            // Every paged list answers at most its limit (≤ 100) per page.
            p.MaxItems = Features.Complaints.Handling.ListComplaints.MaxLimit;
        }
        if (p.Type.Value.HasFlag(JsonSchemaType.Array) && p.MaxItems is null && MaxItems.TryGetValue(name, out var count))
        {
            p.MaxItems = count;
            if (p.Items is OpenApiSchema { Type: { } itemType } item && itemType.HasFlag(JsonSchemaType.String) && item.MaxLength is null
                && MaxLengths.TryGetValue(name, out var itemLength))
            {
                item.MaxLength = itemLength;
            }
        }
        if (name == "answers" && p.AdditionalProperties is OpenApiSchema { Type: { } answerType } answer && answerType.HasFlag(JsonSchemaType.String))
        {
            // A questionnaire's answers: scale codes, or text no longer than the item allows, which is at most
            // QuestionItem.MaxTextLength (the loader refuses a longer maxLength; Questionnaires.Validate a longer answer).
            answer.MaxLength ??= Domain.Evaluation.QuestionItem.MaxTextLength;
        }
        if (name == "filters" && p.AdditionalProperties is OpenApiSchema { Type: { } filterType } filter && filterType.HasFlag(JsonSchemaType.String))
        {
            // A saved view's filters: the list's own parameters, each value at most 100 characters (SavedViews: longer → 400).
            filter.MaxLength ??= Features.Complaints.Handling.SavedViews.MaxFilterLength;
        }
        if (name == "ifMatch" && p.AdditionalProperties is OpenApiSchema { Type: { } tagType } tag && tagType.HasFlag(JsonSchemaType.String))
        {
            // A bulk action's ETags per case (BulkAction: longer → 400).
            tag.MaxLength ??= Features.Complaints.Handling.BulkAction.MaxETagLength;
        }
        if (name == "texts" && p.Items is OpenApiSchema { Type: { } textType } textItem && textType.HasFlag(JsonSchemaType.String))
        {
            // A source's free texts: comments (EvaluationResponse.MaxCommentLength) and text answers (as above).
            textItem.MaxLength ??= Math.Max(Domain.Evaluation.EvaluationResponse.MaxCommentLength, Domain.Evaluation.QuestionItem.MaxTextLength);
        }
        if (p.Items is OpenApiSchema { Type: { } codeType } code && codeType.HasFlag(JsonSchemaType.String) && code.MaxLength is null && name == "roles")
        {
            // Role names (StaffRoles): short by construction, like the codes below.
            code.MaxLength = 100;
        }
        if (p.Type.Value.HasFlag(JsonSchemaType.String) && p.MaxLength is null && p.Enum is not { Count: > 0 }
            && StringMaxLength(name, p, columns, writtenText) is { } m)
        {
            p.MaxLength = m;
        }
        if (name == "trackingNumber" && p.Pattern is null)
        {
            p.Pattern = "^ZTC-[0-9]{4}-[0-9]{6}$";
        }
        // An integer without stated bounds can be anything its format holds: say so.
        if (p.Type.Value.HasFlag(JsonSchemaType.Integer))
        {
            var int64 = p.Format == "int64";
            p.Minimum ??= int64 ? long.MinValue.ToString(CultureInfo.InvariantCulture) : int.MinValue.ToString(CultureInfo.InvariantCulture);
            p.Maximum ??= int64 ? long.MaxValue.ToString(CultureInfo.InvariantCulture) : int.MaxValue.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static int? StringMaxLength(string name, OpenApiSchema p, IReadOnlyDictionary<string, int> columns, IReadOnlyDictionary<string, int> writtenText) =>
        MaxLengths.TryGetValue(name, out var known) ? known
        : writtenText.TryGetValue(name, out var text) ? text
        : columns.TryGetValue(name, out var column) ? column
        : GeneratedCodes.Contains(name) ? 100
        // Dates and times in ISO 8601 (2026-11-25T02:00:00.0000000+00:00 is 33 characters).
        : p.Format == "date-time" ? 40
        : p.Format == "date" ? 10
        // A number that may be written as a string.
        : p.Type!.Value.HasFlag(JsonSchemaType.Integer) || p.Type.Value.HasFlag(JsonSchemaType.Number) ? 32
        : null;
}
