using System;

namespace PSConvolution.Engine.Imaging;

/// <summary>The kinds of metadata a file carries beside its pixels, as a conversion reports those it left out.</summary>
[Flags]
public enum MetadataKinds
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>EXIF: the camera and its settings, the date taken, the place (GPS), the author and copyright.</summary>
    Exif = 1,

    /// <summary>The ICC colour profile: how the samples' values map to colours.</summary>
    ColourProfile = 2,

    /// <summary>The XMP packet: titles, descriptions, keywords, ratings, rights, editing history.</summary>
    Xmp = 4,

    /// <summary>The IPTC-NAA record (IPTC-IIM): captions, keywords, bylines, credits and copyright, as news and stock photography use them.</summary>
    Iptc = 8,

    /// <summary>Photoshop's paths saved with the picture: a clipping path, and the paths a layout cuts it out by.</summary>
    PhotoshopPaths = 16,
}
