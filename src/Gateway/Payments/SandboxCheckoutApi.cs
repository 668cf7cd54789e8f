using System.Net;
using System.Text;
using MessagingGateway.Core.Payments;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Gateway.Tenants;
using MessagingGateway.Payments;
using MessagingGateway.Payments.Sandbox;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Payments;

/// <summary>
/// The sandbox provider's checkout: a small page (reachable by its link, without a key, as a real
/// PSP's page is) with Pay, Fail, Cancel and Expire, and the same as a JSON POST for scripts. It
/// changes the sandbox provider's payment, which then notifies through the same fetch-on-notify
/// path as Mollie.
/// </summary>
internal sealed class SandboxCheckoutApi(SandboxPaymentProvider sandbox, IPaymentStore payments, TenantDirectory tenants, PaymentAccounts accounts)
{
    private const long MaxBodyBytes = 4 * 1024;

    public async Task PageAsync(HttpContext context, string paymentId)
    {
        var (payment, remote) = await FindAsync(paymentId, context.RequestAborted);
        if (payment is null || remote is null)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No sandbox checkout for '{paymentId}'."));
            return;
        }

        var locale = accounts.For(payment.TenantId).Texts.Locale;
        var dutch = locale.StartsWith("nl", StringComparison.OrdinalIgnoreCase);
        var business = tenants.Tenants.FirstOrDefault(t => t.Id == payment.TenantId)?.Name ?? payment.TenantId;
        var amount = MoneyFormat.Format(new Amount(payment.Currency, payment.AmountMinor), locale);
        var status = remote.Status.ToWire();
        var html = new StringBuilder(2048);
        html.Append("<!doctype html><html lang=\"").Append(dutch ? "nl" : "en").Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
            .Append(Encode(business)).Append(" · ").Append(Encode(amount)).Append("</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1c1e21}")
            .Append("main{max-width:420px;margin:0 auto;padding:24px 16px}")
            .Append(".card{background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.12)}")
            .Append("h1{font-size:1.1rem;margin:0 0 4px}.amount{font-size:2rem;font-weight:700;margin:16px 0}")
            .Append("button{display:block;width:100%;padding:14px;margin:10px 0 0;border:0;border-radius:8px;font-size:1rem}")
            .Append(".pay{background:#0a7d33;color:#fff}.other{background:#e4e6eb;color:#1c1e21}.status{font-weight:600}")
            .Append("</style></head><body><main><div class=\"card\"><h1>").Append(Encode(business)).Append("</h1><div>")
            .Append(Encode(payment.Description)).Append("</div><div class=\"amount\" id=\"amount\">").Append(Encode(amount)).Append("</div>")
            .Append("<p class=\"status\" id=\"status\" data-status=\"").Append(status).Append("\">")
            .Append(Encode(StatusText(status, dutch))).Append("</p>");
        if (remote.Status == PaymentStatus.Open)
        {
            html.Append("<form method=\"post\">")
                .Append("<button class=\"pay\" name=\"outcome\" value=\"paid\" id=\"pay\">").Append(dutch ? "Betalen" : "Pay").Append("</button>")
                .Append("<button class=\"other\" name=\"outcome\" value=\"failed\" id=\"fail\">").Append(dutch ? "Mislukt" : "Fail").Append("</button>")
                .Append("<button class=\"other\" name=\"outcome\" value=\"canceled\" id=\"cancel\">").Append(dutch ? "Annuleren" : "Cancel").Append("</button>")
                .Append("<button class=\"other\" name=\"outcome\" value=\"expired\" id=\"expire\">").Append(dutch ? "Laten verlopen" : "Expire").Append("</button>")
                .Append("</form>");
        }

        html.Append("<p><small>").Append(dutch ? "Sandbox: er wordt geen geld afgeschreven." : "Sandbox: no money moves.").Append("</small></p></div></main></body></html>");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(html.ToString(), context.RequestAborted);
    }

    /// <summary>A form post from the page (then back to the page) or <c>{ "outcome": "paid" }</c> from a script.</summary>
    public async Task CompleteAsync(HttpContext context, string paymentId)
    {
        var (payment, remote) = await FindAsync(paymentId, context.RequestAborted);
        if (payment is null || remote is null)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No sandbox checkout for '{paymentId}'."));
            return;
        }

        var fromForm = context.Request.HasFormContentType;
        string? outcomeText;
        if (fromForm)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            outcomeText = form["outcome"];
        }
        else
        {
            var (body, problem) = await RequestBody.ReadObjectAsync(context, MaxBodyBytes, ApiJsonContext.Default.CheckoutRequest, "{ \"outcome\": \"paid\" | \"failed\" | \"canceled\" | \"expired\" }.");
            if (body is null)
            {
                await ProblemWriter.WriteAsync(context, problem!);
                return;
            }

            outcomeText = body.Outcome;
        }

        if (!PaymentWireNames.TryParsePayment(outcomeText, out var outcome) || outcome is not (PaymentStatus.Paid or PaymentStatus.Failed or PaymentStatus.Canceled or PaymentStatus.Expired))
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.Field("outcome", "must be paid, failed, canceled or expired"));
            return;
        }

        var status = await sandbox.CompleteAsync(remote.Id, outcome.Value, context.RequestAborted);
        if (fromForm)
        {
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = context.Request.Path.Value;
            return;
        }

        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteString("paymentId"u8, payment.Id);
        writer.WriteString("status"u8, status!.Value.ToWire());
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    private async Task<(PaymentRecord? Payment, MessagingGateway.Payments.Providers.ProviderPayment? Remote)> FindAsync(string paymentId, CancellationToken cancellationToken)
    {
        if (!paymentId.StartsWith("pay_", StringComparison.Ordinal) || paymentId.Length > 64)
        {
            return (null, null);
        }

        var payment = await payments.GetPaymentAsync(paymentId, cancellationToken);
        if (payment is null || payment.Provider != SandboxPaymentProvider.ProviderName)
        {
            return (null, null);
        }

        return (payment, await sandbox.FindByOurIdAsync(paymentId, cancellationToken));
    }

    private static string StatusText(string status, bool dutch) => (status, dutch) switch
    {
        ("open", true) => "Nog te betalen",
        ("open", false) => "Awaiting payment",
        ("paid", true) => "Betaald",
        ("paid", false) => "Paid",
        ("failed", true) => "Mislukt",
        ("failed", false) => "Failed",
        ("canceled", true) => "Geannuleerd",
        ("canceled", false) => "Canceled",
        ("expired", true) => "Verlopen",
        ("expired", false) => "Expired",
        _ => status,
    };

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
