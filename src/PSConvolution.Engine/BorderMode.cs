namespace PSConvolution.Engine;

/// <summary>
/// How samples beyond the edge of the image are produced. For an edge row <c>a b c d</c>:
/// </summary>
/// <remarks>
/// Names follow scipy.ndimage. ImageSharp's <c>Mirror</c> is <see cref="Reflect"/> here and its
/// <c>Bounce</c> is <see cref="Mirror"/> here.
/// </remarks>
public enum BorderMode
{
    /// <summary><c>a a a | a b c d | d d d</c> (scipy <c>nearest</c>, OpenCV <c>BORDER_REPLICATE</c>).</summary>
    Replicate = 0,

    /// <summary><c>v v v | a b c d | v v v</c> with the border value (scipy <c>constant</c>, OpenCV <c>BORDER_CONSTANT</c>).</summary>
    Constant,

    /// <summary><c>c b a | a b c d | d c b</c> (scipy <c>reflect</c>, OpenCV <c>BORDER_REFLECT</c>).</summary>
    Reflect,

    /// <summary><c>d c b | a b c d | c b a</c> (scipy <c>mirror</c>, OpenCV <c>BORDER_REFLECT_101</c>).</summary>
    Mirror,

    /// <summary><c>b c d | a b c d | a b c</c> (scipy <c>wrap</c>, OpenCV <c>BORDER_WRAP</c>).</summary>
    Wrap,
}
