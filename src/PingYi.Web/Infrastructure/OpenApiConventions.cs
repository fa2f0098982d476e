using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace PingYi.Web.Infrastructure;

/// <summary>
/// What every operation of <c>/openapi/v1.json</c> gets without its route having to say so, so that routes
/// any area adds later are documented alike: an operation id and a description, its security (staff bearer
/// token or cookie, the complainant's <c>X-Access-Code</c>, or explicitly none), and the problem-details
/// responses the pipeline can give it (400, 401, 403, 404, 429, 500). A route that declares a response
/// itself keeps its own.
/// </summary>
public static partial class OpenApiConventions
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
            Describe(document);
            return Task.CompletedTask;
        });
        o.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo is null)
            {
                Require(schema, context.JsonTypeInfo);
                CategoryCodes(schema, context.JsonTypeInfo.Type);
                LimitArraysOf(schema, context.JsonTypeInfo.Type);
            }
            Limit(schema, ColumnLengths(context.ApplicationServices), WrittenText(context.ApplicationServices));
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

    /// <summary>The document's title, description, contact, server and the security schemes and headers operations refer to.</summary>
    private static void Describe(OpenApiDocument document)
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
