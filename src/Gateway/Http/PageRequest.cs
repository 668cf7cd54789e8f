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
        page = default;
        if (!TryReadLimit(context, out var limit, out problem))
        {
            return false;
        }

        if (!PageCursor.TryDecode(context.Request.Query[cursorName], out var afterSeq))
        {
            problem = ApiProblem.Field(cursorName, "is not a cursor returned by this endpoint");
            return false;
        }

        page = new PageRequest(limit, afterSeq);
        problem = null;
        return true;
    }

    /// <summary>The <c>limit</c> query parameter (default <see cref="DefaultLimit"/>), for lists with a cursor of their own.</summary>
    public static bool TryReadLimit(HttpContext context, out int limit, out ApiProblem? problem)
    {
        limit = DefaultLimit;
        problem = null;
        if (context.Request.Query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            problem = ApiProblem.Field("limit", $"must be a whole number from 1 to {MaxLimit}");
            return false;
        }

        return true;
    }
}
