using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// What every operation of <c>/openapi/v1.json</c> gets without its route having to say so, so that routes
/// any area adds later are documented alike: an operation id and a description, its security (staff bearer
/// token or cookie, the complainant's <c>X-Access-Code</c>, or explicitly none), and the problem-details
/// responses the pipeline can give it (400, 401, 403, 404, 429, 500). A route that declares a response
/// itself keeps its own.
/// </summary>
public static class OpenApiConventions
{
    public const string Bearer = "bearer";
    public const string Cookie = "cookie";
    public const string AccessCode = "accessCode";

    /// <summary>Marks a route that the complainant authenticates with the <c>X-Access-Code</c> header.</summary>
    public sealed class AccessCodeMetadata;

    public static TBuilder WithAccessCode<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessCodeMetadata());

    public static IServiceCollection AddPingYiOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.CreateSchemaReferenceId = SchemaId;
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "评议 PingYi API";
            document.Info.Description =
                "省直机关作风建设问题受理直通车的接口。群众反映问题（`POST /api/v1/complaints`），凭受理编号和查询码（`X-Access-Code`）查询进度、补充材料、评价；"
                + "纪检监察工委和承办单位工作人员登录后（`POST /api/v1/auth/login` 取得 bearer token）查看反映、执行办理操作。\n\n"
                + "Errors are RFC 9457 problem details (`application/problem+json`) with Chinese messages per field under `errors`. "
                + "Intake and every access-code check are rate-limited per client address and answer 429 with `Retry-After`.";
            document.Info.Contact = new OpenApiContact { Name = "省直机关纪检监察工委" };
            // Relative: the document is right wherever it is served, and it never advertises plain http.
            document.Servers =
            [
                new OpenApiServer
                {
                    Url = "/",
                    Description = "the deployment serving this document (production, or a local test instance)",
                    // Public: citizens' apps and the units' systems call it.
                    Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(false)) },
                },
            ];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Staff: the accessToken of POST /api/v1/auth/login (opaque, not a JWT).",
            };
            document.Components.SecuritySchemes[Cookie] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = "pingyi.auth",
                Description = "Staff signed in on the web pages.",
            };
            document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
            document.Components.Headers[RateLimitReport.LimitHeader] = CountHeader("请求配额：当前时间窗口内允许的请求数（按账号或客户端地址计；同时适用多个限额时为最接近用尽的一个）", minimum: 1);
            document.Components.Headers[RateLimitReport.RemainingHeader] = CountHeader("当前时间窗口内剩余的请求数", minimum: 0);
            document.Components.Headers[RateLimitReport.ResetHeader] = CountHeader("距当前时间窗口结束的秒数", minimum: 1);
            document.Components.Headers[RetryAfter] = CountHeader("需等待的秒数，之后再重试", minimum: 1);
            document.Components.SecuritySchemes[AccessCode] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Access-Code",
                Description = "The complainant: the access code shown once when the complaint was lodged.",
            };
            return Task.CompletedTask;
        });
        o.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo is null)
            {
                Require(schema, context.JsonTypeInfo);
                CategoryCodes(schema, context.JsonTypeInfo.Type);
            }
            Limit(schema, ColumnLengths(context.ApplicationServices));
            return Task.CompletedTask;
        });
        o.AddOperationTransformer(async (operation, context, _) =>
        {
            var roles = await RolesAsync(context);
            Apply(operation, context, roles);
        });
        o.AddDocumentTransformer((document, _, _) =>
        {
            foreach (var schema in document.Components?.Schemas?.Values ?? [])
            {
                NullableAsAnyOf(schema);
            }
            return Task.CompletedTask;
        });
    });

    private const string RetryAfter = "Retry-After";

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
        [typeof(Features.Complaints.Intake.SubmitComplaintRequest)] = ["unitCode", "category", "title", "description", "anonymous"],
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
                    ["unitCode"] = Text(16, "单位代码（GET /api/v1/units）"),
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
                AdditionalProperties = Text(5000),
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

    private static OpenApiHeader CountHeader(string description, int minimum) => new()
    {
        Description = description,
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Integer,
            Format = "int32",
            Minimum = minimum.ToString(CultureInfo.InvariantCulture),
            Maximum = int.MaxValue.ToString(CultureInfo.InvariantCulture),
        },
    };

    /// <summary>
    /// The roles a staff route's policy demands (a <c>RequireRole</c> policy, or an <see cref="IRoleRequirement"/>):
    /// published in its security requirement. Routes whose access depends on the resource (a unit's own case)
    /// list none; their handlers decide.
    /// </summary>
    private static async Task<IReadOnlyList<string>> RolesAsync(OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var data = metadata.OfType<IAuthorizeData>().ToList();
        var policies = metadata.OfType<AuthorizationPolicy>().ToList();
        if (data.Count == 0 && policies.Count == 0)
        {
            return [];
        }
        var provider = context.ApplicationServices.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(provider, data, policies);
        return policy?.Requirements
            .SelectMany(r => r switch
            {
                RolesAuthorizationRequirement roles => roles.AllowedRoles,
                IRoleRequirement roles => roles.Roles,
                _ => [],
            })
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() ?? [];
    }

    private static void Apply(OpenApiOperation operation, OpenApiOperationTransformerContext context, IReadOnlyList<string> roles)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var document = context.Document;
        operation.OperationId ??= OperationId(description.HttpMethod ?? "GET", description.RelativePath ?? string.Empty);
        operation.Description ??= operation.Summary ?? operation.OperationId;

        var staff = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        var accessCode = metadata.OfType<AccessCodeMetadata>().Any();
        // A route's own policy (intake, access-code checks, sign-in), or the per-caller API bucket every /api call
        // counts against (RateLimits.IsApiCall): either way the response carries the RateLimit-* headers.
        var apiBucket = context.ApplicationServices.GetRequiredService<RateLimits.Options>().ApiPerMinute > 0
                        && ((description.RelativePath ?? string.Empty).StartsWith("api/", StringComparison.Ordinal) || metadata.OfType<RateLimits.ApiLimitMetadata>().Any());
        var limited = apiBucket || metadata.OfType<EnableRateLimitingAttribute>().Any();
        if (operation.Security is null || operation.Security.Count == 0)
        {
            operation.Security = staff
                ? [Requirement(Bearer, document, roles), Requirement(Cookie, document, roles)]
                : accessCode
                    // The lookup also serves signed-in staff without a code.
                    ? [Requirement(AccessCode, document), Requirement(Bearer, document), Requirement(Cookie, document)]
                    // Open to anyone, on purpose (lodging a complaint, the unit list, signing in).
                    : [new OpenApiSecurityRequirement()];
        }

        LimitParameters(operation);

        operation.Responses ??= new OpenApiResponses();
        // Parameters, or a body: POST and PUT routes read theirs themselves (ApiBody) and answer 400 for a bad one,
        // as does the antiforgery check of a cookie client.
        var hasInput = description.ParameterDescriptions.Count > 0 || description.HttpMethod is "POST" or "PUT" or "PATCH";
        Add(operation, document, "400", "请求无效：字段校验未通过（problem details，errors 下为各字段的中文说明）", validation: true, when: hasInput);
        Add(operation, document, "401", "未登录或登录已过期", when: staff);
        Add(operation, document, "403", "无权执行此操作", when: staff);
        Add(operation, document, "404", "未找到该反映，或查询码不正确（两者不加区分）",
            when: (description.RelativePath ?? string.Empty).Contains('{', StringComparison.Ordinal));
        Add(operation, document, "429", "请求过于频繁：超过按账号或客户端地址计的限额；响应头 Retry-After 给出需等待的秒数", when: limited);
        Add(operation, document, "500", "服务器内部错误", when: true);
        if (!limited)
        {
            return;
        }
        foreach (var (status, response) in operation.Responses)
        {
            // The limiter counts the request before anything else answers it, so every answer but a crash has them.
            if (response is OpenApiResponse r && (status.StartsWith('2') || status.StartsWith('4')))
            {
                r.Headers ??= new Dictionary<string, IOpenApiHeader>();
                foreach (var header in new[] { RateLimitReport.LimitHeader, RateLimitReport.RemainingHeader, RateLimitReport.ResetHeader })
                {
                    r.Headers.TryAdd(header, new OpenApiHeaderReference(header, document));
                }
                if (status == "429")
                {
                    r.Headers.TryAdd(RetryAfter, new OpenApiHeaderReference(RetryAfter, document));
                }
            }
        }
    }

    /// <summary>
    /// A nullable object property is written <c>oneOf [null, X]</c>; where X admits anything (a <c>JsonNode</c>), null
    /// matches both and a validator refuses every null. <c>anyOf</c> says the same without that trap.
    /// </summary>
    private static void NullableAsAnyOf(IOpenApiSchema schema)
    {
        foreach (var property in (schema as OpenApiSchema)?.Properties?.Values ?? [])
        {
            if (property is OpenApiSchema { OneOf: { Count: > 0 } alternatives } either
                && alternatives.Any(a => a is OpenApiSchema { Type: JsonSchemaType.Null }))
            {
                either.AnyOf = either.OneOf;
                either.OneOf = null;
            }
        }
    }

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
    };

    /// <summary>Arrays the server refuses beyond a count (and so never holds or answers more of).</summary>
    private static readonly Dictionary<string, int> MaxItems = new(StringComparer.Ordinal)
    {
        ["contactEmails"] = Features.Administration.ManageUnits.MaxContactEmails,
    };

    /// <summary>
    /// Strings the server writes itself from code lists and workflow definitions (codes, labels, roles): short by
    /// construction. 100 is above the longest of them and below anything a client could make the server echo.
    /// </summary>
    private static readonly HashSet<string> GeneratedCodes = new(StringComparer.Ordinal)
    {
        "status", "statusLabel", "category", "categoryLabel", "label", "action", "actionLabel", "actorRole", "role", "roleLabel",
        "source", "satisfaction", "pendingRequest", "from", "to", "channel", "purpose", "tokenType", "workflow", "kindLabel",
        "endedBy", "sourceLabel", "ruleLabel",
    };

    /// <summary>Free text a staff form or a complainant wrote: the workflow fields and the supplement allow at most 5,000 characters.</summary>
    private static readonly Dictionary<string, int> WrittenText = new(StringComparer.Ordinal)
    {
        ["findings"] = 5000, ["measures"] = 5000, ["publicReply"] = 5000, ["reply"] = 5000, ["reason"] = 1000, ["answer"] = 5000,
        // A supplement's note is its text plus "（附件 n 个）".
        ["note"] = Features.Complaints.Tracking.AddSupplement.TextMax + 20, ["internalNote"] = 5000,
    };

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

    private static void Limit(OpenApiSchema schema, IReadOnlyDictionary<string, int> columns)
    {
        // A C# enum written as its number (UnitCategory) or any other integer schema: an int unless it says otherwise.
        if (schema.Type is { } own && own.HasFlag(JsonSchemaType.Integer) && schema.Format is null)
        {
            schema.Format = "int32";
        }
        // Maps of counts (a rating's counts per answer): the values are integers of their format, possibly written as strings.
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
        if (schema.Properties is null)
        {
            return;
        }
        foreach (var (name, property) in schema.Properties)
        {
            if (property is not OpenApiSchema p || p.Type is null)
            {
                continue;
            }
            if (p.Type.Value.HasFlag(JsonSchemaType.Array) && name == "items" && p.MaxItems is null)
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
            if (p.Type.Value.HasFlag(JsonSchemaType.String) && p.MaxLength is null && p.Enum is not { Count: > 0 })
            {
                int? max = MaxLengths.TryGetValue(name, out var known) ? known
                    : WrittenText.TryGetValue(name, out var text) ? text
                    : columns.TryGetValue(name, out var column) ? column
                    : GeneratedCodes.Contains(name) ? 100
                    // Dates and times in ISO 8601 (2026-11-25T02:00:00.0000000+00:00 is 33 characters).
                    : p.Format == "date-time" ? 40
                    : p.Format == "date" ? 10
                    // A number that may be written as a string.
                    : p.Type.Value.HasFlag(JsonSchemaType.Integer) || p.Type.Value.HasFlag(JsonSchemaType.Number) ? 32
                    : null;
                if (max is { } m)
                {
                    p.MaxLength = m;
                }
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
    }

    private static OpenApiResponse? Add(OpenApiOperation operation, OpenApiDocument? document, string status, string text, bool when, bool validation = false)
    {
        if (!when || operation.Responses!.ContainsKey(status))
        {
            return operation.Responses!.TryGetValue(status, out var existing) ? existing as OpenApiResponse : null;
        }
        var response = new OpenApiResponse
        {
            Description = text,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new()
                {
                    Schema = new OpenApiSchemaReference(validation ? "HttpValidationProblemDetails" : "ProblemDetails", document),
                },
            },
        };
        operation.Responses[status] = response;
        return response;
    }

    /// <param name="roles">For a staff scheme, the roles the route requires (OpenAPI 3.1: "a list of role names which are required for the execution").</param>
    private static OpenApiSecurityRequirement Requirement(string scheme, OpenApiDocument? document, IReadOnlyList<string>? roles = null) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [.. roles ?? []] };

    /// <summary><c>POST api/v1/complaints/{trackingNumber}/supplements</c> → <c>PostComplaintsTrackingNumberSupplements</c>.</summary>
    internal static string OperationId(string method, string path)
    {
        var sb = new StringBuilder(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(method.ToLowerInvariant()));
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment is "api" || segment.StartsWith('v') && segment.Length <= 3 && segment.Skip(1).All(char.IsDigit))
            {
                continue;
            }
            var word = segment.Trim('{', '}').Split(':')[0];
            sb.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
        }
        return sb.ToString();
    }
}
