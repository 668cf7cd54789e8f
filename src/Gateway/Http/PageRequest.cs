using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Http;

/// <summary>The <c>limit</c> and cursor of a list request, shared by every list endpoint.</summary>
internal readonly record struct PageRequest(int Limit, long AfterSeq)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <param name="cursorName"><c>cursor</c> for pages, <c>after</c> for the event stream.</param>
    public static bool TryRead(HttpContext context, string cursorName, out PageRequest page, out ApiProblem? problem)
    {
        var query = context.Request.Query;
        var limit = DefaultLimit;
        page = default;
        if (query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            problem = ApiProblem.Field("limit", $"must be a whole number from 1 to {MaxLimit}");
            return false;
        }

        if (!PageCursor.TryDecode(query[cursorName], out var afterSeq))
        {
            problem = ApiProblem.Field(cursorName, "is not a cursor returned by this endpoint");
            return false;
        }

        page = new PageRequest(limit, afterSeq);
        problem = null;
        return true;
    }
}
