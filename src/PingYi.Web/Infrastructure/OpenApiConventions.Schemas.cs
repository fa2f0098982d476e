using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PingYi.Web.Infrastructure;

/// <summary>Schema names and shapes: component ids, required properties, category codes, and the multipart forms.</summary>
public static partial class OpenApiConventions
{
    /// <summary>
    /// Simple names that more than one of our types carry (a feature's <c>View</c>, <c>Item</c>, <c>Request</c>): the
    /// generator names a schema after its type alone, so two of them would share one component and each operation
    /// would claim the other's shape. Nested types with such a name get their declaring type's name in front
    /// (<c>GetStaffComplaintView</c>, <c>LookupComplaintResponse</c>); unambiguous names stay as they are.
    /// </summary>
    private static readonly Lazy<HashSet<string>> AmbiguousNames = new(() => typeof(OpenApiConventions).Assembly.GetTypes()
        .Where(t => !t.Name.Contains('<', StringComparison.Ordinal))
        .GroupBy(t => t.Name, StringComparer.Ordinal)
        .Where(g => g.Count() > 1)
        .Select(g => g.Key)
        .ToHashSet(StringComparer.Ordinal));

    internal static string? SchemaId(System.Text.Json.Serialization.Metadata.JsonTypeInfo info)
    {
        var id = OpenApiOptions.CreateDefaultSchemaReferenceId(info);
        var type = info.Type;
        return id is not null && type.IsNested && type.DeclaringType is { } outer && id == type.Name && AmbiguousNames.Value.Contains(type.Name)
            ? outer.Name + id
            : id;
    }

    /// <summary>
    /// Request bodies whose required fields the server checks itself (every property is nullable so that a missing one
    /// gets a Chinese message rather than a binding error): what it refuses without.
    /// </summary>
    private static readonly Dictionary<Type, string[]> RequiredFields = new()
    {
        [typeof(Features.Complaints.Intake.SubmitComplaintRequest)] = ["category", "title", "description", "anonymous"],
        [typeof(Features.Account.AccountModule.LoginBody)] = ["email", "password"],
        [typeof(Features.Account.AccountModule.RefreshBody)] = ["refreshToken"],
        [typeof(Features.Complaints.Tracking.GiveFeedback.Body)] = ["satisfaction"],
    };

    /// <summary>
    /// The generator marks every constructor parameter required, nullable or not. A nullable one may be left out of a
    /// request (the server reads it as absent) and is null in an answer: only the non-nullable ones are required,
    /// plus those the server's own validation demands (<see cref="RequiredFields"/>).
    /// </summary>
    private static void Require(OpenApiSchema schema, System.Text.Json.Serialization.Metadata.JsonTypeInfo info)
    {
        if (info.Kind != System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object || schema.Properties is null)
        {
            return;
        }
        var required = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var property in info.Properties)
        {
            if (schema.Required?.Contains(property.Name) == true && !property.IsGetNullable && !property.IsSetNullable)
            {
                required.Add(property.Name);
            }
        }
        foreach (var name in RequiredFields.GetValueOrDefault(info.Type) ?? [])
        {
            required.Add(name);
        }
        // Keep the generator's order for the ones it had.
        schema.Required = new HashSet<string>((schema.Required ?? new HashSet<string>()).Where(required.Contains).Concat(required), StringComparer.Ordinal);
    }

    /// <summary>The problem category codes (<c>GET /api/v1/categories</c>) as an enum wherever a category is written or read.</summary>
    private static void CategoryCodes(OpenApiSchema schema, Type type)
    {
        var property = type == typeof(Features.Complaints.Intake.ListCategories.Item) ? "code"
            : type == typeof(Features.Complaints.Intake.SubmitComplaintRequest) || type == typeof(Features.Complaints.Tracking.LookupComplaint.Response)
              || type == typeof(Features.Complaints.Handling.GetStaffComplaint.View) || type == typeof(Features.Complaints.Handling.ListComplaints.Item) ? "category"
            : null;
        if (property is not null && schema.Properties is { } properties && properties.TryGetValue(property, out var found) && found is OpenApiSchema p)
        {
            p.Enum = CategoryEnum();
            p.MaxLength = null;
        }
    }

    private static List<System.Text.Json.Nodes.JsonNode> CategoryEnum() =>
        Domain.Complaints.ProblemCategories.Codes.All.Select(c => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(c.Code)).ToList();

    /// <summary>
    /// One 200 answered in two shapes (the complainant's and the staff view of a complaint): <c>oneOf</c> both, with
    /// a description of which comes when, instead of the last <c>Produces</c> silently replacing the first.
    /// </summary>
    public static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> EitherShape<TFirst, TSecond>(string description) =>
        (operation, context, _) =>
        {
            // Both are components already (the route produces the first; other routes answer the second).
            if (operation.Responses?.GetValueOrDefault("200") is OpenApiResponse ok)
            {
                ok.Description = description;
                ok.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            OneOf = [new OpenApiSchemaReference(SchemaIdOf(typeof(TFirst)), context.Document), new OpenApiSchemaReference(SchemaIdOf(typeof(TSecond)), context.Document)],
                        },
                    },
                };
            }
            return Task.CompletedTask;
        };

    private static string SchemaIdOf(Type type) =>
        type.IsNested && type.DeclaringType is { } outer && AmbiguousNames.Value.Contains(type.Name) ? outer.Name + type.Name : type.Name;

    /// <summary>A download: the 200 is one of the file types the server stores, as bytes.</summary>
    public static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> FileDownload(params string[] contentTypes) =>
        (operation, _, _) =>
        {
            if (operation.Responses?.GetValueOrDefault("200") is OpenApiResponse ok)
            {
                ok.Content = contentTypes.ToDictionary(t => t, _ => new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", MaxLength = (int)Domain.Complaints.Attachment.MaxBytes },
                });
            }
            return Task.CompletedTask;
        };

    private static OpenApiSchema Text(int maxLength, string? description = null) =>
        new() { Type = JsonSchemaType.String, MaxLength = maxLength, Description = description };

    private static OpenApiSchema Files(string description, int maxItems) => new()
    {
        Type = JsonSchemaType.Array,
        MaxItems = maxItems,
        Description = description,
        Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", MaxLength = (int)Domain.Complaints.Attachment.MaxBytes },
    };

    /// <summary>
    /// <c>POST /api/v1/complaints</c>: the multipart form's own field names (<c>complainant.name</c> …, files under
    /// <c>attachments</c>), not the JSON body's nested object; and the <c>Idempotency-Key</c> rule.
    /// </summary>
    public static Task SubmissionForm(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.RequestBody?.Content?.TryGetValue("multipart/form-data", out var media) == true)
        {
            media.Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string>(RequiredFields[typeof(Features.Complaints.Intake.SubmitComplaintRequest)], StringComparer.Ordinal),
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["unitCode"] = Text(Domain.Units.Unit.MaxCodeLength, "单位代码（GET /api/v1/units）；不填表示不清楚，由纪检监察工委确定承办单位（待确定单位）"),
                    ["category"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = CategoryEnum(), Description = "问题类别代码（GET /api/v1/categories）" },
                    ["title"] = Text(Domain.Complaints.ComplaintSubmission.TitleMax),
                    ["description"] = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = Domain.Complaints.ComplaintSubmission.DescriptionMin, MaxLength = Domain.Complaints.ComplaintSubmission.DescriptionMax },
                    ["occurredOn"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date", MaxLength = 10 },
                    ["location"] = Text(Domain.Complaints.ComplaintSubmission.LocationMax),
                    ["anonymous"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("true"), System.Text.Json.Nodes.JsonValue.Create("false")] },
                    ["complainant.name"] = Text(Domain.Complaints.ComplaintSubmission.NameMax, "实名反映时必填"),
                    ["complainant.phone"] = Text(20, "实名反映时手机号码与电子邮箱至少填一项"),
                    ["complainant.email"] = Text(254),
                    ["attachments"] = Files("证据材料：JPG、PNG、PDF、DOCX，按内容识别", Domain.Complaints.Attachment.MaxPerComplaint),
                },
            };
        }
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "Idempotency-Key",
            In = ParameterLocation.Header,
            Required = false,
            Description = "可选。至少 128 位随机数（如 UUID v4，或 32 位以上的随机十六进制字符串），最长 "
                          + Features.Complaints.Intake.SubmitComplaint.MaxIdempotencyKeyLength.ToString(CultureInfo.InvariantCulture)
                          + " 个字符。24 小时内以同一个键重发内容相同的请求（含附件），返回第一次受理的同一受理编号和查询码，响应头带 Idempotent-Replayed: true，不会重复立案；"
                          + "同一个键配不同的内容视为新的反映。键过长或不够随机答 400。",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 22, MaxLength = Features.Complaints.Intake.SubmitComplaint.MaxIdempotencyKeyLength },
        });
        return Task.CompletedTask;
    }

    /// <summary><c>POST …/supplements</c>: multipart takes the text and files under <c>attachments</c>.</summary>
    public static Task SupplementForm(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.RequestBody?.Content?.TryGetValue("multipart/form-data", out var media) == true)
        {
            media.Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["text"] = Text(Features.Complaints.Tracking.AddSupplement.TextMax),
                    ["attachments"] = Files("补充的证据材料：JPG、PNG、PDF、DOCX", Domain.Complaints.Attachment.MaxPerComplaint),
                },
            };
        }
        return Task.CompletedTask;
    }

    /// <summary><c>POST …/actions/{action}</c>: the action's fields as form values, and <c>respond</c>'s signed reply letter; <c>If-Match</c>.</summary>
    public static Task ActionForm(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.RequestBody?.Content?.TryGetValue("multipart/form-data", out var media) == true)
        {
            media.Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "操作的字段（GET …/actions 列出），另可附 replyLetter（答复函，仅 respond）",
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["replyLetter"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", MaxLength = (int)Domain.Complaints.Attachment.MaxBytes },
                },
                AdditionalProperties = Text(LongestWorkflowText(context.ApplicationServices)),
            };
        }
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "If-Match",
            In = ParameterLocation.Header,
            Required = false,
            Description = "可选。GET 返回的 ETag；反映在此之后已有变化时答 412，不执行操作。",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 13 },
        });
        return Task.CompletedTask;
    }
}
