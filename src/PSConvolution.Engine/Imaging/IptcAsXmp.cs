using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Iptc;

namespace PSConvolution.Engine.Imaging;

/// <summary>
/// The IPTC record's captions, keywords, credits and places written as XMP, for a format that keeps XMP but has no
/// place for the record itself (PNG, WebP, GIF), as the IPTC Photo Metadata Standard maps IIM datasets to its XMP
/// properties (IPTC Core, with Dublin Core and Photoshop's namespace) and as Lightroom, Photoshop and exiftool's MWG
/// mode write both. A property the XMP already has is left as it is: where a program wrote both, XMP is the newer.
/// </summary>
internal static class IptcAsXmp
{
    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace Photoshop = "http://ns.adobe.com/photoshop/1.0/";
    private static readonly XNamespace Core = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/";

    // How each dataset is written: the property, and whether it is one text, a language alternative (Alt), or a
    // list (Bag unordered, Seq ordered). The record version says nothing of the picture; the creation date and time
    // are written together below.
    private static readonly Dictionary<IptcTag, (XName Property, string Kind)> Properties = new()
    {
        [IptcTag.Name] = (Dc + "title", "Alt"),
        [IptcTag.Caption] = (Dc + "description", "Alt"),
        [IptcTag.CopyrightNotice] = (Dc + "rights", "Alt"),
        [IptcTag.Keywords] = (Dc + "subject", "Bag"),
        [IptcTag.Byline] = (Dc + "creator", "Seq"),
        [IptcTag.SupplementalCategories] = (Photoshop + "SupplementalCategories", "Bag"),
        [IptcTag.BylineTitle] = (Photoshop + "AuthorsPosition", "Text"),
        [IptcTag.CaptionWriter] = (Photoshop + "CaptionWriter", "Text"),
        [IptcTag.Category] = (Photoshop + "Category", "Text"),
        [IptcTag.City] = (Photoshop + "City", "Text"),
        [IptcTag.Country] = (Photoshop + "Country", "Text"),
        [IptcTag.Credit] = (Photoshop + "Credit", "Text"),
        [IptcTag.Headline] = (Photoshop + "Headline", "Text"),
        [IptcTag.SpecialInstructions] = (Photoshop + "Instructions", "Text"),
        [IptcTag.Source] = (Photoshop + "Source", "Text"),
        [IptcTag.ProvinceState] = (Photoshop + "State", "Text"),
        [IptcTag.OriginalTransmissionReference] = (Photoshop + "TransmissionReference", "Text"),
        [IptcTag.Urgency] = (Photoshop + "Urgency", "Text"),
        [IptcTag.CountryCode] = (Core + "CountryCode", "Text"),
        [IptcTag.SubLocation] = (Core + "Location", "Text"),
    };

    /// <summary>
    /// Writes the image's IPTC record into its XMP packet (making one where it has none) and takes the record off the
    /// image where every dataset of it found a place. Where one did not (an edit status, a subject code, a date that
    /// does not parse) the record stays on the image, so it is reported left out; what did find a place is written all
    /// the same. Nothing is done where the packet does not parse.
    /// </summary>
    public static void Carry(Image image)
    {
        IptcProfile? record = image.Metadata.IptcProfile;
        if (record is null || !record.Values.Any())
        {
            return;
        }

        XDocument? document = image.Metadata.XmpProfile is null
            ? new XDocument(new XElement(XName.Get("xmpmeta", "adobe:ns:meta/"), new XAttribute(XNamespace.Xmlns + "x", "adobe:ns:meta/"), new XElement(Rdf + "RDF", new XAttribute(XNamespace.Xmlns + "rdf", Rdf.NamespaceName))))
            : MetadataFidelity.XmpDocument(image);
        XElement? rdf = document?.Descendants(Rdf + "RDF").FirstOrDefault();
        if (document is null || rdf is null)
        {
            return;
        }

        XElement description = rdf.Elements(Rdf + "Description").FirstOrDefault() ?? NewDescription(rdf);
        bool all = true;
        foreach (IGrouping<IptcTag, IptcValue> dataset in record.Values.GroupBy(v => v.Tag))
        {
            if (dataset.Key is IptcTag.RecordVersion or IptcTag.CreatedTime)
            {
                continue;
            }

            if (dataset.Key == IptcTag.CreatedDate)
            {
                string? time = record.GetValues(IptcTag.CreatedTime).Select(v => v.Value).FirstOrDefault();
                (string? date, bool timeKept) = DateCreated(dataset.First().Value, time);
                if (date is not null)
                {
                    Add(rdf, description, Photoshop + "DateCreated", "Text", new[] { date });
                }

                all &= date is not null && (time is null || timeKept);
                continue;
            }

            if (!Properties.TryGetValue(dataset.Key, out (XName Property, string Kind) place))
            {
                all = false;
                continue;
            }

            string[] values = dataset.Select(v => XmlText(v.Value)).Where(v => v.Length > 0).ToArray();
            if (values.Length > 0)
            {
                Add(rdf, description, place.Property, place.Kind, place.Kind is "Bag" or "Seq" ? values : values.Take(1).ToArray());
            }
        }

        // A time with no date has no place: DateCreated needs the date.
        all &= record.GetValues(IptcTag.CreatedTime).Count == 0 || record.GetValues(IptcTag.CreatedDate).Count > 0;
        MetadataFidelity.SetXmp(image, document);
        if (all)
        {
            image.Metadata.IptcProfile = null;
        }
    }

    // The value without what XML cannot hold: writers end IIM strings with NUL, and control characters are not XML.
    private static string XmlText(string value)
    {
        var text = new System.Text.StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (System.Xml.XmlConvert.IsXmlChar(value[i]))
            {
                text.Append(value[i]);
            }
            else if (i + 1 < value.Length && System.Xml.XmlConvert.IsXmlSurrogatePair(value[i + 1], value[i]))
            {
                text.Append(value, i++, 2);
            }
        }

        return text.ToString().Trim();
    }

    private static XElement NewDescription(XElement rdf)
    {
        var description = new XElement(Rdf + "Description", new XAttribute(Rdf + "about", string.Empty));
        rdf.Add(description);
        return description;
    }

    // Adds the property unless some description already states it, as an element or an attribute.
    private static void Add(XElement rdf, XElement description, XName property, string kind, string[] values)
    {
        foreach (XElement existing in rdf.Elements(Rdf + "Description"))
        {
            if (existing.Element(property) is not null || existing.Attribute(property) is not null)
            {
                return;
            }
        }

        // The namespace's usual prefix, declared where the packet does not have the namespace yet and the prefix is
        // free; otherwise the writer finds one.
        string prefix = PrefixOf(property.Namespace);
        if (description.GetPrefixOfNamespace(property.Namespace) is null && description.GetNamespaceOfPrefix(prefix) is null)
        {
            description.Add(new XAttribute(XNamespace.Xmlns + prefix, property.NamespaceName));
        }

        object content = kind switch
        {
            "Alt" => new XElement(Rdf + "Alt", new XElement(Rdf + "li", new XAttribute(XNamespace.Xml + "lang", "x-default"), values[0])),
            "Bag" or "Seq" => new XElement(Rdf + kind, values.Select(v => new XElement(Rdf + "li", v))),
            _ => values[0],
        };
        description.Add(new XElement(property, content));
    }

    private static string PrefixOf(XNamespace ns)
        => ns == Dc ? "dc" : ns == Photoshop ? "photoshop" : "Iptc4xmpCore";

    // IIM's date (CCYYMMDD) and time (HHMMSS±HHMM) as XMP's date, CCYY-MM-DD, with THH:MM:SS±HH:MM where the time
    // parses (TimeKept); a null date where the date does not.
    private static (string? Date, bool TimeKept) DateCreated(string date, string? time)
    {
        if (!DateTime.TryParseExact(date, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime day))
        {
            return (null, false);
        }

        string text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (time is { Length: 11 } && DateTime.TryParseExact(time.Substring(0, 6), "HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime clock)
            && time[6] is '+' or '-' && int.TryParse(time.Substring(7, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int hours) && int.TryParse(time.Substring(9, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int minutes)
            && hours < 24 && minutes < 60)
        {
            return (string.Format(CultureInfo.InvariantCulture, "{0}T{1:HH:mm:ss}{2}{3:00}:{4:00}", text, clock, time[6], hours, minutes), true);
        }

        return (text, false);
    }
}
