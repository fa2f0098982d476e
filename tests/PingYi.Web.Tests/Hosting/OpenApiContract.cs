using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PingYi.Web.Tests.Hosting;

/// <summary>One request and its response as a client saw them, recorded by <see cref="ContractRecorder"/>.</summary>
public sealed record RecordedExchange(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyCollection<string> RequestHeaders,
    string? RequestMediaType,
    byte[]? RequestBody,
    IReadOnlyList<string>? MultipartNames,
    int Status,
    string? ResponseMediaType,
    byte[] ResponseBody,
    IReadOnlyCollection<string> ResponseHeaders)
{
    public override string ToString() => $"{Method} {Path} → {Status}";
}

/// <summary>Records every exchange of the clients it is put in front of (<c>CreateDefaultClient(recorder)</c>).</summary>
public sealed class ContractRecorder(List<RecordedExchange> log) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[]? body = null;
        List<string>? parts = null;
        if (request.Content is MultipartFormDataContent multipart)
        {
            parts = multipart.Select(p => p.Headers.ContentDisposition?.Name?.Trim('"') ?? string.Empty).ToList();
        }
        else if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken);
            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var uri = request.RequestUri!;
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        lock (log)
        {
            log.Add(new RecordedExchange(
                request.Method.Method,
                uri.AbsolutePath,
                query.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => query[k]!, StringComparer.Ordinal),
                request.Headers.Select(h => h.Key).Concat(request.Content?.Headers.Select(h => h.Key) ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase),
                request.Content?.Headers.ContentType?.MediaType,
                body,
                parts,
                (int)response.StatusCode,
                response.Content.Headers.ContentType?.MediaType,
                responseBody,
                response.Headers.Select(h => h.Key).Concat(response.Content.Headers.Select(h => h.Key)).ToHashSet(StringComparer.OrdinalIgnoreCase)));
        }
        return response;
    }
}

/// <summary>
/// Checks recorded exchanges against an OpenAPI 3.1 document the way a contract validator in proxy mode does:
/// the path and method are documented, required parameters and the request body match, the status is
/// declared, the response's media type is declared and its body validates against the declared schema.
/// The JSON Schema subset is the one Microsoft.AspNetCore.OpenApi writes: type (a name or a list), $ref to
/// components, properties/required/additionalProperties, items, enum/const, oneOf/anyOf/allOf, string and
/// number bounds, pattern, and the date-time/date formats.
/// </summary>
public sealed class OpenApiContract(JsonObject document)
{
    private readonly JsonObject _paths = document["paths"]!.AsObject();
    private readonly JsonObject _schemas = document["components"]?["schemas"]?.AsObject() ?? [];

    public IReadOnlyList<string> Check(RecordedExchange x)
    {
        var errors = new List<string>();
        var where = x.ToString();
        var template = FindTemplate(x.Path);
        if (template is null)
        {
            return [$"{where}: the path is not in the document"];
        }
        if (_paths[template]![x.Method.ToLowerInvariant()] is not JsonObject operation)
        {
            return [$"{where}: {x.Method} is not documented for {template}"];
        }
        where = $"{x.Method} {template} → {x.Status}";

        // A request the server refused as invalid (400) may break the document's request rules: that is the refusal
        // the document promises. Any other answer to such a request is a violation.
        var requestErrors = new List<string>();
        var responseErrors = errors;
        errors = requestErrors;

        // Parameters.
        var segments = x.Path.Split('/');
        var templateSegments = template.Split('/');
        foreach (var parameter in operation["parameters"]?.AsArray().Select(p => p!.AsObject()) ?? [])
        {
            var name = parameter["name"]!.GetValue<string>();
            var location = parameter["in"]!.GetValue<string>();
            var required = parameter["required"]?.GetValue<bool>() ?? false;
            string? value = location switch
            {
                "path" => segments[Array.IndexOf(templateSegments, "{" + name + "}")],
                "query" => x.Query.TryGetValue(name, out var q) ? q : x.Query.FirstOrDefault(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Value,
                "header" => x.RequestHeaders.Contains(name) ? string.Empty : null,
                _ => null,
            };
            if (value is null)
            {
                if (required)
                {
                    errors.Add($"{where}: required {location} parameter '{name}' was not sent");
                }
                continue;
            }
            if (location != "header" && parameter["schema"] is JsonObject schema)
            {
                Validate(ParameterValue(value, schema), schema, $"{location} parameter {name}", errors, where);
            }
        }
        foreach (var sent in x.Query.Keys)
        {
            if (!(operation["parameters"]?.AsArray() ?? []).Any(p => p!["in"]!.GetValue<string>() == "query"
                    && string.Equals(p["name"]!.GetValue<string>(), sent, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"{where}: query parameter '{sent}' is not documented");
            }
        }

        // Request body.
        var requestBody = operation["requestBody"] as JsonObject;
        var sentBody = x.MultipartNames is not null || x.RequestBody is { Length: > 0 };
        if (!sentBody && requestBody?["required"]?.GetValue<bool>() == true)
        {
            errors.Add($"{where}: the document requires a request body; the client sent none and the server accepted it");
        }
        if (sentBody)
        {
            var content = requestBody?["content"] as JsonObject;
            if (content is null)
            {
                errors.Add($"{where}: a request body ({x.RequestMediaType}) was sent but none is documented");
            }
            else if (content[x.RequestMediaType ?? string.Empty] is not JsonObject media)
            {
                errors.Add($"{where}: request media type {x.RequestMediaType} is not documented ({string.Join(", ", content.Select(c => c.Key))})");
            }
            else if (media["schema"] is JsonObject schema)
            {
                if (x.MultipartNames is { } names)
                {
                    CheckForm(names, Resolve(schema), where, errors);
                }
                else if (IsJson(x.RequestMediaType))
                {
                    Validate(Parse(x.RequestBody!, where, errors), schema, "request", errors, where);
                }
            }
        }

        errors = responseErrors;
        if (x.Status != 400)
        {
            errors.AddRange(requestErrors);
        }

        // Response.
        var responses = operation["responses"]!.AsObject();
        var declared = responses[x.Status.ToString(CultureInfo.InvariantCulture)] as JsonObject
                       ?? responses[$"{x.Status / 100}XX"] as JsonObject
                       ?? responses["default"] as JsonObject;
        if (declared is null)
        {
            errors.Add($"{where}: status {x.Status} is not documented ({string.Join(", ", responses.Select(r => r.Key))})");
            return errors;
        }
        foreach (var (name, header) in declared["headers"]?.AsObject() ?? [])
        {
            var resolved = header is JsonObject h && h["$ref"] is { } r ? document["components"]!["headers"]![r.GetValue<string>().Split('/')[^1]] : header;
            if (resolved?["required"]?.GetValue<bool>() == true && !x.ResponseHeaders.Contains(name))
            {
                errors.Add($"{where}: required response header {name} is missing");
            }
        }
        if (x.ResponseBody.Length == 0)
        {
            return errors;
        }
        var responseContent = declared["content"] as JsonObject;
        if (responseContent is null)
        {
            errors.Add($"{where}: a {x.ResponseMediaType} body was answered but the response documents none");
            return errors;
        }
        if (responseContent[x.ResponseMediaType ?? string.Empty] is not JsonObject responseMedia)
        {
            errors.Add($"{where}: response media type {x.ResponseMediaType} is not documented ({string.Join(", ", responseContent.Select(c => c.Key))})");
            return errors;
        }
        if (responseMedia["schema"] is JsonObject responseSchema && IsJson(x.ResponseMediaType))
        {
            Validate(Parse(x.ResponseBody, where, errors), responseSchema, "response", errors, where);
        }
        return errors;
    }

    private static bool IsJson(string? mediaType) => mediaType is not null && (mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal));

    private static JsonNode? Parse(byte[] body, string where, List<string> errors)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            errors.Add($"{where}: the body is not JSON: {e.Message}");
            return null;
        }
    }

    /// <summary>The most specific template: literal segments win over parameters (/units/template over /units/{code}).</summary>
    private string? FindTemplate(string path)
    {
        var segments = path.Split('/');
        string? best = null;
        var bestLiterals = -1;
        foreach (var (template, _) in _paths)
        {
            var t = template.Split('/');
            if (t.Length != segments.Length)
            {
                continue;
            }
            var literals = 0;
            var match = true;
            for (var i = 0; i < t.Length && match; i++)
            {
                if (t[i].StartsWith('{') && t[i].EndsWith('}'))
                {
                    continue;
                }
                // A literal suffix after a parameter ({year}/rankings.xlsx has none here; keep it exact).
                match = string.Equals(t[i], Uri.UnescapeDataString(segments[i]), StringComparison.Ordinal);
                literals++;
            }
            if (match && literals > bestLiterals)
            {
                best = template;
                bestLiterals = literals;
            }
        }
        return best;
    }

    /// <summary>A parameter's text as the JSON value its schema describes (a number where it allows one).</summary>
    private JsonNode? ParameterValue(string value, JsonObject schema)
    {
        var types = Types(Resolve(schema));
        if ((types.Contains("integer") || types.Contains("number")) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }
        if (types.Contains("boolean") && bool.TryParse(value, out var flag))
        {
            return JsonValue.Create(flag);
        }
        return JsonValue.Create(value);
    }

    private void CheckForm(IReadOnlyList<string> names, JsonObject schema, string where, List<string> errors)
    {
        var properties = schema["properties"] as JsonObject ?? [];
        // JSON Schema: properties not listed are allowed unless additionalProperties says false.
        var open = !(schema["additionalProperties"] is JsonValue extra && extra.GetValueKind() == JsonValueKind.False);
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (!properties.ContainsKey(name) && !open)
            {
                errors.Add($"{where}: multipart field '{name}' is not documented");
            }
        }
        foreach (var required in schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
        {
            if (!names.Contains(required))
            {
                errors.Add($"{where}: multipart field '{required}' is required by the document but was not sent (and the server accepted it)");
            }
        }
    }

    private JsonObject Resolve(JsonObject schema)
    {
        var seen = 0;
        while (schema["$ref"] is { } reference && seen++ < 20)
        {
            var name = reference.GetValue<string>().Split('/')[^1];
            schema = _schemas[name] as JsonObject ?? throw new InvalidOperationException($"unresolved $ref {reference}");
        }
        return schema;
    }

    private static HashSet<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray list => list.Select(t => t!.GetValue<string>()).ToHashSet(StringComparer.Ordinal),
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };

    private static string Kind(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => value.GetValue<double>() % 1 == 0 ? "integer" : "number",
        _ => "unknown",
    };

    /// <summary>Adds "where: at: message" for every way <paramref name="value"/> breaks <paramref name="schema"/>.</summary>
    public void Validate(JsonNode? value, JsonObject schema, string at, List<string> errors, string where)
    {
        schema = Resolve(schema);
        var kind = Kind(value);
        var types = Types(schema);
        if (types.Count > 0 && !types.Contains(kind) && !(kind == "integer" && types.Contains("number")))
        {
            errors.Add($"{where}: {at}: is {kind}, the document says {string.Join("|", types)}");
            return;
        }
        if (schema["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
        {
            errors.Add($"{where}: {at}: {value?.ToJsonString()} is not one of {options.ToJsonString()}");
        }
        if (schema.ContainsKey("const") && !JsonNode.DeepEquals(schema["const"], value))
        {
            errors.Add($"{where}: {at}: {value?.ToJsonString()} is not {schema["const"]?.ToJsonString()}");
        }
        foreach (var part in schema["allOf"]?.AsArray() ?? [])
        {
            Validate(value, part!.AsObject(), at, errors, where);
        }
        foreach (var (keyword, exactlyOne) in new[] { ("oneOf", true), ("anyOf", false) })
        {
            if (schema[keyword] is not JsonArray alternatives)
            {
                continue;
            }
            var failures = new List<string>();
            var matches = 0;
            foreach (var alternative in alternatives)
            {
                var own = new List<string>();
                Validate(value, alternative!.AsObject(), at, own, where);
                if (own.Count == 0)
                {
                    matches++;
                }
                else
                {
                    failures.Add(string.Join("; ", own));
                }
            }
            if (matches == 0 || (exactlyOne && matches > 1))
            {
                errors.Add($"{where}: {at}: matches {matches} of the {alternatives.Count} {keyword} schemas{(matches == 0 ? ": " + string.Join(" | ", failures) : string.Empty)}");
            }
        }
        switch (kind)
        {
            case "object":
                var obj = value!.AsObject();
                var properties = schema["properties"] as JsonObject;
                foreach (var required in schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
                {
                    if (!obj.ContainsKey(required))
                    {
                        errors.Add($"{where}: {at}: required property '{required}' is missing");
                    }
                }
                foreach (var (name, property) in obj)
                {
                    if (properties?[name] is JsonObject propertySchema)
                    {
                        Validate(property, propertySchema, $"{at}.{name}", errors, where);
                    }
                    else if (schema["additionalProperties"] is JsonObject extra)
                    {
                        Validate(property, extra, $"{at}.{name}", errors, where);
                    }
                    else if (schema["additionalProperties"] is JsonValue no && no.GetValueKind() == JsonValueKind.False)
                    {
                        errors.Add($"{where}: {at}: property '{name}' is not allowed");
                    }
                }
                break;
            case "array":
                var array = value!.AsArray();
                if (schema["maxItems"] is { } maxItems && array.Count > maxItems.GetValue<int>())
                {
                    errors.Add($"{where}: {at}: {array.Count} items, at most {maxItems} allowed");
                }
                if (schema["minItems"] is { } minItems && array.Count < minItems.GetValue<int>())
                {
                    errors.Add($"{where}: {at}: {array.Count} items, at least {minItems} required");
                }
                if (schema["items"] is JsonObject items)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        Validate(array[i], items, $"{at}[{i}]", errors, where);
                    }
                }
                break;
            case "string":
                var text = value!.GetValue<string>();
                var length = new StringInfo(text).LengthInTextElements;
                if (schema["maxLength"] is { } maxLength && length > maxLength.GetValue<int>())
                {
                    errors.Add($"{where}: {at}: {length} characters, at most {maxLength} allowed");
                }
                if (schema["minLength"] is { } minLength && length < minLength.GetValue<int>())
                {
                    errors.Add($"{where}: {at}: {length} characters, at least {minLength} required");
                }
                if (schema["pattern"] is { } pattern && !Regex.IsMatch(text, pattern.GetValue<string>()))
                {
                    errors.Add($"{where}: {at}: '{text}' does not match {pattern}");
                }
                var format = schema["format"]?.GetValue<string>();
                if (format == "date-time" && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
                {
                    errors.Add($"{where}: {at}: '{text}' is not a date-time");
                }
                if (format == "date" && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    errors.Add($"{where}: {at}: '{text}' is not a date");
                }
                break;
            case "integer" or "number":
                var n = value!.GetValue<double>();
                if (schema["minimum"] is { } minimum && n < Number(minimum))
                {
                    errors.Add($"{where}: {at}: {n} is below the minimum {minimum}");
                }
                if (schema["maximum"] is { } maximum && n > Number(maximum))
                {
                    errors.Add($"{where}: {at}: {n} is above the maximum {maximum}");
                }
                break;
        }
    }

    private static double Number(JsonNode node) => node.GetValueKind() == JsonValueKind.String
        ? double.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture)
        : node.GetValue<double>();
}
