namespace PSConvolution.Engine.Imaging;

/// <summary>The file format written.</summary>
public enum OutputFormat
{
    /// <summary>The format the source file is in (read from its content, not its extension).</summary>
    Auto = 0,

    /// <summary>PNG: keeps grey/RGB, alpha and 8- or 16-bit depth.</summary>
    Png,

    /// <summary>JPEG: 8-bit grey or colour, no alpha.</summary>
    Jpeg,

    /// <summary>Windows bitmap.</summary>
    Bmp,

    /// <summary>GIF (palette, all frames).</summary>
    Gif,

    /// <summary>TIFF.</summary>
    Tiff,

    /// <summary>WebP.</summary>
    Webp,

    /// <summary>Truevision TGA.</summary>
    Tga,

    /// <summary>Netpbm, binary: PGM for grey, PPM for colour, 8 or 16 bits, no alpha (extension .pnm).</summary>
    Pbm,
}
