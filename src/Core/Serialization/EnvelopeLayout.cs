using MessagingGateway.Core.Model;
using MessagingGateway.Core.Payments;

namespace MessagingGateway.Core.Serialization;

/// <summary>
/// The binary layout of a log record's value, version 1. A format byte (1; JSON records, written
/// before it, start with '{'), the kind (1 message, 2 receipt, 3 payment, 0 another, its name
/// following), then a presence byte and the fields of the message, the receipt and the payment
/// update in turn. Strings are UTF-8 with their length plus one in front (0 = null), counts are
/// LEB128, times are UTC ticks and an offset in minutes, enums their number. A new field means a
/// new version: readers keep reading every version written before.
/// </summary>
internal static class EnvelopeLayout
{
    public const byte Version1 = 1;

    private const byte OtherKind = 0;
    private const byte MessageKind = 1;
    private const byte ReceiptKind = 2;
    private const byte PaymentKind = 3;

    public static void Write(ref EnvelopeWriter writer, LogEnvelope envelope)
    {
        writer.WriteByte(Version1);
        var kind = KindOf(envelope.Kind);
        writer.WriteByte(kind);
        if (kind == OtherKind)
        {
            writer.WriteString(envelope.Kind);
        }

        if (writer.WritePresence(envelope.Message))
        {
            WriteMessage(ref writer, envelope.Message!);
        }

        if (writer.WritePresence(envelope.Receipt))
        {
            var receipt = envelope.Receipt!;
            writer.WriteGuid(receipt.MessageId);
            writer.WriteString(receipt.TenantId);
            writer.WriteString(receipt.ConversationId);
            writer.WriteCount((int)receipt.Status);
            writer.WriteTime(receipt.At);
            writer.WriteString(receipt.Code);
        }

        if (writer.WritePresence(envelope.Payment))
        {
            var payment = envelope.Payment!;
            writer.WriteString(payment.TenantId);
            writer.WriteString(payment.ConversationId);
            writer.WriteString(payment.PaymentId);
            writer.WriteString(payment.RefundId);
            writer.WriteString(payment.Status);
            writer.WriteTime(payment.At);
        }
    }

    public static LogEnvelope Read(ReadOnlySpan<byte> value)
    {
        var reader = new EnvelopeReader(value);
        reader.ReadFormat(Version1, "A log record");

        var kind = reader.ReadByte() switch
        {
            MessageKind => LogEnvelope.MessageKind,
            ReceiptKind => LogEnvelope.ReceiptKind,
            PaymentKind => LogEnvelope.PaymentKind,
            OtherKind => reader.ReadString(),
            _ => throw new InvalidDataException("A log record has an unknown kind."),
        };
        var message = reader.ReadPresence() ? ReadMessage(ref reader) : null;
        var receipt = reader.ReadPresence()
            ? new StatusReceipt(reader.ReadGuid(), reader.ReadString(), reader.ReadString(), Status(reader.ReadCount()), reader.ReadTime(), reader.ReadNullableString())
            : null;
        var payment = reader.ReadPresence()
            ? new PaymentUpdate(reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadNullableString(), reader.ReadString(), reader.ReadTime())
            : null;
        if (!reader.AtEnd)
        {
            throw new InvalidDataException("A log record has bytes after its envelope.");
        }

        return new LogEnvelope(kind, message, receipt, payment);
    }

    private static byte KindOf(string kind) => kind switch
    {
        LogEnvelope.MessageKind => MessageKind,
        LogEnvelope.ReceiptKind => ReceiptKind,
        LogEnvelope.PaymentKind => PaymentKind,
        _ => OtherKind,
    };

    private static void WriteMessage(ref EnvelopeWriter writer, Message message)
    {
        writer.WriteGuid(message.Id);
        writer.WriteString(message.TenantId);
        writer.WriteString(message.ConversationId);
        writer.WriteCount((int)message.Channel);
        writer.WriteCount((int)message.Direction);
        writer.WriteString(message.From);
        writer.WriteString(message.To);
        if (writer.WritePresence(message.Content))
        {
            WriteContent(ref writer, message.Content);
        }

        var metadata = message.Metadata;
        writer.WriteCount(metadata is null ? 0 : metadata.Count + 1);
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key);
                writer.WriteString(value);
            }
        }

        writer.WriteTime(message.AcceptedAt);
    }

    private static Message ReadMessage(ref EnvelopeReader reader)
    {
        var id = reader.ReadGuid();
        var tenantId = reader.ReadString();
        var conversationId = reader.ReadString();
        var channel = reader.ReadCount();
        var direction = reader.ReadCount();
        if (!Enum.IsDefined((Channel)channel) || !Enum.IsDefined((MessageDirection)direction))
        {
            throw new InvalidDataException("A log record names an unknown channel or direction.");
        }

        var from = reader.ReadString();
        var to = reader.ReadString();
        var content = reader.ReadPresence() ? ReadContent(ref reader) : null;
        var metadataCount = reader.ReadListCount();
        Dictionary<string, string>? metadata = null;
        if (metadataCount >= 0)
        {
            metadata = new Dictionary<string, string>(metadataCount, StringComparer.Ordinal);
            for (var i = 0; i < metadataCount; i++)
            {
                metadata[reader.ReadString()] = reader.ReadString();
            }
        }

        return new Message
        {
            Id = id,
            TenantId = tenantId,
            ConversationId = conversationId,
            Channel = (Channel)channel,
            Direction = (MessageDirection)direction,
            From = from,
            To = to,
            Content = content!, // absent only if it was absent when written
            Metadata = metadata,
            AcceptedAt = reader.ReadTime(),
        };
    }

    internal static void WriteContent(ref EnvelopeWriter writer, MessageContent content)
    {
        writer.WriteString(content.Type);
        writer.WriteString(content.Text);
        writer.WriteString(content.Url);
        writer.WriteString(content.MimeType);
        writer.WriteString(content.Caption);
        writer.WriteString(content.Name);
        writer.WriteString(content.Language);
        writer.WriteListCount(content.Parameters);
        if (content.Parameters is { } parameters)
        {
            foreach (var parameter in parameters)
            {
                writer.WriteString(parameter);
            }
        }

        writer.WriteString(content.Body);
        writer.WriteListCount(content.Buttons);
        if (content.Buttons is { } buttons)
        {
            foreach (var button in buttons)
            {
                if (writer.WritePresence(button))
                {
                    writer.WriteString(button.Id);
                    writer.WriteString(button.Title);
                }
            }
        }

        if (writer.WritePresence(content.List))
        {
            WriteList(ref writer, content.List!);
        }

        writer.WriteString(content.PaymentId);
        if (writer.WritePresence(content.Amount))
        {
            writer.WriteString(content.Amount!.Currency);
            writer.WriteString(content.Amount.Value);
        }

        writer.WriteString(content.Description);
    }

    private static void WriteList(ref EnvelopeWriter writer, InteractiveList list)
    {
        writer.WriteString(list.Button);
        writer.WriteListCount(list.Sections);
        if (list.Sections is null)
        {
            return;
        }

        foreach (var section in list.Sections)
        {
            if (writer.WritePresence(section))
            {
                writer.WriteString(section.Title);
                writer.WriteListCount(section.Rows);
                if (section.Rows is null)
                {
                    continue;
                }

                foreach (var row in section.Rows)
                {
                    if (writer.WritePresence(row))
                    {
                        writer.WriteString(row.Id);
                        writer.WriteString(row.Title);
                        writer.WriteString(row.Description);
                    }
                }
            }
        }
    }

    internal static MessageContent ReadContent(ref EnvelopeReader reader)
    {
        var content = new MessageContent
        {
            Type = reader.ReadNullableString(),
            Text = reader.ReadNullableString(),
            Url = reader.ReadNullableString(),
            MimeType = reader.ReadNullableString(),
            Caption = reader.ReadNullableString(),
            Name = reader.ReadNullableString(),
            Language = reader.ReadNullableString(),
        };
        var parameters = reader.ReadListCount();
        if (parameters >= 0)
        {
            content.Parameters = new List<string>(parameters);
            for (var i = 0; i < parameters; i++)
            {
                content.Parameters.Add(reader.ReadNullableString()!); // as written, a null item included
            }
        }

        content.Body = reader.ReadNullableString();
        var buttons = reader.ReadListCount();
        if (buttons >= 0)
        {
            content.Buttons = new List<InteractiveButton>(buttons);
            for (var i = 0; i < buttons; i++)
            {
                content.Buttons.Add(reader.ReadPresence() ? new InteractiveButton { Id = reader.ReadNullableString(), Title = reader.ReadNullableString() } : null!);
            }
        }

        if (reader.ReadPresence())
        {
            content.List = new InteractiveList { Button = reader.ReadNullableString() };
            var sections = reader.ReadListCount();
            if (sections >= 0)
            {
                content.List.Sections = new List<InteractiveListSection>(sections);
                for (var i = 0; i < sections; i++)
                {
                    content.List.Sections.Add(reader.ReadPresence() ? ReadSection(ref reader) : null!);
                }
            }
        }

        content.PaymentId = reader.ReadNullableString();
        if (reader.ReadPresence())
        {
            content.Amount = new MoneyAmount(reader.ReadNullableString()!, reader.ReadNullableString()!);
        }

        content.Description = reader.ReadNullableString();
        return content;
    }

    private static InteractiveListSection ReadSection(ref EnvelopeReader reader)
    {
        var section = new InteractiveListSection { Title = reader.ReadNullableString() };
        var rows = reader.ReadListCount();
        if (rows >= 0)
        {
            section.Rows = new List<InteractiveListRow>(rows);
            for (var i = 0; i < rows; i++)
            {
                section.Rows.Add(reader.ReadPresence()
                    ? new InteractiveListRow { Id = reader.ReadNullableString(), Title = reader.ReadNullableString(), Description = reader.ReadNullableString() }
                    : null!);
            }
        }

        return section;
    }

    private static MessageStatus Status(int value) =>
        Enum.IsDefined((MessageStatus)value) ? (MessageStatus)value : throw new InvalidDataException("A log record names an unknown status.");
}
