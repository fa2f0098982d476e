using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace PingYi.Web.Features.Complaints.Tracking;

/// <summary>
/// Runs on <c>/track</c> before anything reads the form — before antiforgery (an authorization filter of order
/// 1000) and model binding, both of which would take in the whole multipart body and spool its files to disk.
/// A supplement is let through only for the case this device opened with a code that still matches, and only
/// with a body that fits in what the complaint's caps leave; every other form on the page is small and
/// carries no files. (Finding 8: without the code nobody makes the server take in uploads.)
/// </summary>
public sealed class SupplementBodyGate(TrackingSession session, LookupComplaint.Handler lookup, AddSupplement.Handler supplements, ITempDataDictionaryFactory tempData)
    : IAsyncAuthorizationFilter
{
    /// <summary>The body of the lookup, forget and rating forms: a few short fields.</summary>
    public const long SmallFormBytes = 64 * 1024;

    /// <summary>TempData key of the message the page shows when a supplement was refused here, unread.</summary>
    public const string RefusedKey = "track.supplement-refused";

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            return;
        }
        if (!string.Equals(http.Request.Query["handler"].ToString(), "Supplement", StringComparison.OrdinalIgnoreCase))
        {
            if (!Limit(http, SmallFormBytes))
            {
                // With a body of its own: an empty 413 would be re-executed as a POST of the error page, whose
                // antiforgery check would read the very body refused here.
                context.Result = new ContentResult
                {
                    StatusCode = StatusCodes.Status413PayloadTooLarge,
                    ContentType = "text/plain; charset=utf-8",
                    Content = "提交的内容过大。请返回“进度查询”页面重试。",
                };
            }
            return;
        }
        var ct = http.RequestAborted;
        var remembered = session.Read(http);
        var complaintId = remembered is null ? null : await lookup.AuthenticateAsync(remembered.TrackingNumber, remembered.AccessCode, ct);
        if (complaintId is not { } id)
        {
            // No case opened on this device (or its code no longer matches): back to the lookup form, body unread.
            if (remembered is not null)
            {
                session.Forget(http);
            }
            context.Result = new RedirectResult("/track");
            return;
        }
        if (!Limit(http, await supplements.MaxBodyBytesAsync(id, ct)))
        {
            var failure = await supplements.TooMuchAsync(id, ct);
            var data = tempData.GetTempData(http);
            data[RefusedKey] = string.Join(" ", failure.Errors.SelectMany(e => e.Value));
            data.Save();
            context.Result = new RedirectResult("/track#supplement");
        }
    }

    /// <summary>False when the declared length is over <paramref name="maxBytes"/>; otherwise the server stops reading there.</summary>
    private static bool Limit(HttpContext http, long maxBytes)
    {
        // Set even when refusing: whatever runs after (the error page) cannot take in more either.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBytes;
        }
        return !(http.Request.ContentLength > maxBytes);
    }
}
