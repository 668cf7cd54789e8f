using System.Security.Cryptography;
using System.Text.Json;
using MessagingGateway.Core.Channels;
using MessagingGateway.Core.Model;
using MessagingGateway.Core.Validation;
using MessagingGateway.Gateway.Http;
using MessagingGateway.Gateway.Payments;
using MessagingGateway.Gateway.Tenants;
using Microsoft.AspNetCore.Http;

namespace MessagingGateway.Gateway.Channels;

/// <summary>
/// <c>PUT/GET/DELETE /v1/channels/…</c>: how a tenant connects a real provider. Secrets are stored
/// and used, never returned: answers show their last four characters only.
/// </summary>
internal sealed class ChannelsApi(IChannelAccountStore accounts, PublicAddress publicAddress, MessagingGateway.Channels.Telegram.TelegramWebhookRegistration telegram, Microsoft.Extensions.Options.IOptions<PaymentOptions> options, TimeProvider time)
{
    private const long MaxBodyBytes = 16 * 1024;
    private const int MaxFieldLength = 4096;

    public async Task PutAsync(HttpContext context, string channelName, string accountId)
    {
        var tenant = context.Tenant();
        var errors = new ValidationErrors();
        if (!ChannelNames.TryParse(channelName, out var channel) || ChannelAccountFields.Required(channel) is not { } required)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"There are no accounts for channel '{channelName}'; connectors exist for whatsapp, messenger, instagram, telegram and sms."));
            return;
        }

        if (!IsAccountId(accountId))
        {
            errors.Add("accountId", "must be 1 to 64 letters, digits or '-'");
        }

        var (body, problem) = await RequestBody.ReadObjectAsync(context, MaxBodyBytes, ApiJsonContext.Default.DictionaryStringJsonElement, "{ \"sender\": \"…\", … } with the channel's fields (see API.md).");
        if (body is null)
        {
            await ProblemWriter.WriteAsync(context, problem!);
            return;
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in body)
        {
            if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 and <= MaxFieldLength } text)
            {
                errors.Add(name, $"must be a non-empty string of at most {MaxFieldLength} characters");
                continue;
            }

            settings[name] = text;
        }

        string? sender = null;
        if (!settings.Remove("sender", out var rawSender))
        {
            errors.Add("sender", "is required: the from that sends use on this channel");
        }
        else if (AddressValidator.NormalizeBusiness(channel, rawSender, out var senderError) is { } normalized)
        {
            sender = normalized;
        }
        else
        {
            errors.Add("sender", senderError ?? "is not a valid sender for this channel");
        }

        foreach (var field in required)
        {
            if (!settings.ContainsKey(field) && !errors.Fields.Any(pair => pair.Key == field))
            {
                errors.Add(field, "is required for " + channel.ToWire());
            }
        }

        if (channel == Channel.Sms && settings.TryGetValue("provider", out var smsProvider) && smsProvider != "cm")
        {
            errors.Add("provider", "must be \"cm\" (CM.com)");
        }

        if (!errors.IsEmpty || sender is null)
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.Validation(errors));
            return;
        }

        if (channel == Channel.Sms)
        {
            // CM.com does not sign its webhooks: an unguessable token in the URL stands in.
            var previous = await accounts.GetAsync(channel, accountId, context.RequestAborted);
            settings[ChannelAccountFields.WebhookToken] = previous?.TenantId == tenant.Id && previous.Setting(ChannelAccountFields.WebhookToken) is { } kept
                ? kept
                : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        }

        var account = new ChannelAccount(tenant.Id, channel, accountId, sender, settings, time.GetUtcNow());
        if (!await accounts.PutAsync(account, context.RequestAborted))
        {
            await ProblemWriter.WriteAsync(context, new ApiProblem(409, "account-id-taken", "This account id is taken on this channel.", $"Another tenant uses {channel.ToWire()} account '{accountId}'; provider webhooks arrive by channel and account id, so pick another."));
            return;
        }

        // Telegram is told where to post (with the secret token) when the gateway knows its public URL.
        string? registration = null;
        if (channel == Channel.Telegram)
        {
            registration = options.Value.PublicBaseUrl is null
                ? "skipped: set Payments:PublicBaseUrl, or call setWebhook yourself"
                : await telegram.SetWebhookAsync(account, publicAddress.Resolve($"webhooks/telegram/{accountId}"), context.RequestAborted) ? "registered" : "failed";
        }

        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        Write(writer, account, withWebhookToken: true, registration);
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task ListAsync(HttpContext context)
    {
        var tenant = context.Tenant();
        var list = await accounts.ListAsync(tenant.Id, context.RequestAborted);
        var writer = JsonResponse.Start(context, StatusCodes.Status200OK);
        writer.WriteStartObject();
        writer.WriteStartArray("items"u8);
        foreach (var account in list)
        {
            Write(writer, account, withWebhookToken: false);
        }

        writer.WriteEndArray();
        writer.WriteNull("nextCursor"u8);
        writer.WriteEndObject();
        await JsonResponse.FinishAsync(context, writer);
    }

    public async Task DeleteAsync(HttpContext context, string channelName, string accountId)
    {
        var tenant = context.Tenant();
        if (!ChannelNames.TryParse(channelName, out var channel) || !await accounts.DeleteAsync(tenant.Id, channel, accountId, context.RequestAborted))
        {
            await ProblemWriter.WriteAsync(context, ApiProblem.NotFound($"No {channelName} account '{accountId}'."));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private void Write(Utf8JsonWriter writer, ChannelAccount account, bool withWebhookToken, string? registration = null)
    {
        var channel = account.Channel.ToWire();
        writer.WriteStartObject();
        writer.WriteString("channel"u8, channel);
        writer.WriteString("accountId"u8, account.AccountId);
        writer.WriteString("sender"u8, account.Sender);
        var webhook = publicAddress.Resolve($"webhooks/{channel}/{account.AccountId}").ToString();
        if (account.Setting(ChannelAccountFields.WebhookToken) is { } token)
        {
            // The whole URL once, when the account is saved (to register at CM.com); a hint after.
            webhook += "?token=" + (withWebhookToken ? token : "…" + token[^4..]);
        }

        writer.WriteString("webhookUrl"u8, webhook);
        if (registration is not null)
        {
            writer.WriteString("webhookRegistration"u8, registration);
        }

        writer.WriteStartObject("settings"u8);
        foreach (var (name, value) in account.Settings.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WriteString(name, ChannelAccountFields.IsSecret(name) ? "…" + value[^Math.Min(4, value.Length)..] : value);
        }

        writer.WriteEndObject();
        writer.WriteString("updatedAt"u8, account.UpdatedAt.UtcDateTime);
        writer.WriteEndObject();
    }

    private static bool IsAccountId(string id)
    {
        if (id.Length is < 1 or > 64)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}
