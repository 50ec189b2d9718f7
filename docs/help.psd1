# Source of the cmdlets' help. build.ps1 -Task Help turns it, together with the cmdlets' own parameter
# metadata (types, positions, pipeline binding), into module/en-US/PSConvolution.dll-Help.xml.
@{
  'Invoke-ImageConvolution' = @{
    Synopsis    = 'Convolves image files with one or more kernels and writes the results.'
    Description = @(
      'Invoke-ImageConvolution reads each image, convolves it with the kernels given to -Kernel (one after the other, on one decoded image: one decode, one encode) and writes the result. Every output pixel is round(sum(K[i][j] * P(y*s+i-ay, x*s+j-ax)) / divisor + bias), per channel, in floating point; the kernel is applied as correlation (the top-left weight multiplies the top-left neighbour), as GIMP, Photoshop, Pillow and OpenCV filter2D do. -FlipKernel gives mathematical convolution (scipy.ndimage.convolve).'
      'Border modes, for the edge row a b c d: Constant v v v|a b c d|v v v (scipy constant, OpenCV BORDER_CONSTANT); Replicate a a a|a b c d|d d d (the default; scipy nearest, OpenCV BORDER_REPLICATE, GIMP extend); Reflect c b a|a b c d|d c b (scipy reflect, OpenCV BORDER_REFLECT); Mirror d c b|a b c d|c b a (scipy mirror, OpenCV BORDER_REFLECT_101); Wrap b c d|a b c d|a b c (scipy wrap, OpenCV BORDER_WRAP). ImageSharp''s Mirror is Reflect here and its Bounce is Mirror here. A kernel larger than the image is legal in every mode.'
      'Output goes next to each source with a suffix naming the kernels (photo.jpg with -Kernel Gaussian5 becomes photo_Gaussian5.jpg) unless -Destination names a folder, in which case the name is kept. The output keeps the source''s format, bit depth (8 or 16 bits per channel), colour type (grey, grey+alpha, RGB, RGBA), metadata (EXIF, ICC, XMP) and every frame. Existing files are never overwritten without -Force, and a source is replaced only with -InPlace, after the new image is completely written: each output is encoded into a temporary file in the destination folder and renamed over the target as its result is reported, in input order, so a failure leaves no partial file and a call that stops early (-ErrorAction Stop at a bad file, Ctrl+C, Select-Object -First downstream) leaves no file it did not report and replaces no later source.'
      'Each file that cannot be processed produces a non-terminating error whose FullyQualifiedErrorId starts with a stable id (FileNotFound, PathIsDirectory, NotAnImage, CorruptImage, UnsupportedImage, ImageTooLarge, ImageSmallerThanKernel, DestinationExists, DestinationReadOnly, DestinationIsSource, DestinationCollision, NotUnderRelativeBasePath, ChannelNotInImage, ReadFailed, WriteFailed, NotFileSystemPath, OutputTooLarge), and the rest of the pipeline goes on. An invalid kernel or option stops the command before any file is touched. Work starts with the first input: each file''s output is decided as it arrives (so two sources never write one output, and the first in input order keeps a contested name), and files are processed concurrently (-ThrottleLimit, default the number of processors) on worker threads that share the machine''s cores with the engine''s own row parallelism, with at most four files per worker held between input and output, so memory stays flat for any number of files. Results, errors and progress reach the pipeline thread through a queue and are written in input order. The progress bar counts files done while the input is still arriving, then shows the share done and the seconds remaining. Ctrl+C, or -ErrorAction Stop on a failure, stops the remaining work promptly and leaves no temporary or partial file.'
      'Transparency: in an image whose alpha varies, colour is convolved weighted by alpha (-AlphaWeighted, on by default), so the colour stored in invisible pixels never bleeds into visible ones: blurs soften the edge of a cut-out without a dark or light fringe. Linear light: -LinearLight decodes sRGB to linear light before convolving and encodes after, so blurs keep their brightness (half black, half white averages to 188, not 128). With both, the order is: linearise, premultiply by alpha, convolve, divide by alpha, encode.'
      'What the output keeps: bit depth, alpha, EXIF, ICC profile (JPEG, PNG, TIFF, WebP) and XMP where the format can hold them, with EXIF pixel dimensions updated when -Stride or -Padding Valid changes the size; a JPEG written as a JPEG again also keeps its comments and its chroma resolution (4:2:0 stays 4:2:0, anything finer is written 4:4:4). Where the format cannot (alpha or 16 bits in JPEG, 16 bits in BMP, GIF, TGA or WebP, partial transparency in GIF, an EXIF orientation in GIF, BMP, TGA or Netpbm, several frames in anything but GIF and TIFF), transparency is composited over white, 16-bit samples are written with 8, GIF alpha is made all or nothing at half, a picture stored on its side is turned upright, only the first frame of an animation or multi-page file is convolved and written, and a colour profile for another colour model than the one written (an RGB profile on a -Grayscale result, a CMYK JPEG''s profile on its RGB result) is left out, and one warning per call says how many files were converted. A rewritten file keeps its identity: -InPlace and -Force keep the replaced file''s permissions (mode bits and owner on Unix, ACL on Windows), and a symbolic link stays a link whose target is rewritten; a new output is created no more readable than its source.'
    )
    Parameters  = @{
      Path          = 'Image files to convolve. Wildcards are expanded (a wildcard that matches nothing is silent); use -LiteralPath for names containing [ or ]. Only FileSystem paths are accepted.'
      LiteralPath   = 'Image files to convolve, taken exactly as written, so names such as "photo [1].jpg" work. Bound by property name from PSPath, so Get-ChildItem output pipes straight in.'
      LinearLight   = 'Convolves in linear light: colour samples are decoded from sRGB (IEC 61966-2-1: v <= 0.04045 ? v/12.92 : ((v+0.055)/1.055)^2.4) before the kernel and encoded after (l <= 0.0031308 ? 12.92*l : 1.055*l^(1/2.4) - 0.055), so blurs and resampling keep the brightness the eye expects (GEGL and GIMP work this way). 8-bit samples go through tables of exact values, 16-bit samples through the exact function. The divisor applies as usual; -Bias and -BorderValue are then linear levels. Alpha is linear already and is not converted. With alpha weighting: linearise, premultiply, convolve, divide by alpha, encode. Off by default: the arithmetic then runs on the stored values, as OpenCV, scipy and Pillow do.'
      Kernel        = 'The kernels to apply, in order: built-in names (tab-completed; see Get-ConvolutionKernel), kernel objects from New-ConvolutionKernel or Get-ConvolutionKernel, kernel text such as ''0 -1 0; -1 5 -1; 0 -1 0'', or a numeric matrix such as @(@(0,-1,0), @(-1,5,-1), @(0,-1,0)) (jagged or 2-D). Several kernels run one after the other on one decoded image; every kernel but the last uses Same padding and stride 1. Kernels meet the picture as it is shown: an image stored on its side with an EXIF orientation (a phone''s portrait photo) is convolved as a viewer shows it, so MotionBlur blurs across it and Emboss lights it from its top left; the result keeps the stored order and the tag.'
      BorderMode    = 'How samples beyond the edge of the image are produced: Replicate (default), Constant, Reflect, Mirror or Wrap. See the description for the table and the equivalent scipy and OpenCV names.'
      BorderValue   = 'The value of samples outside the image with -BorderMode Constant, in 8-bit levels (0-255; scaled by 257 for 16-bit images). Default 0: the zero "same" padding of most textbook code.'
      Padding       = 'Same (default): one output pixel per input position. Valid: only positions where the kernel lies entirely inside the image, giving floor((H-kh)/s)+1 by floor((W-kw)/s)+1 pixels; an image smaller than the kernel is an ImageSmallerThanKernel error. Applies to the last kernel of a chain.'
      Stride        = 'Step between output samples. With -Padding Same the output is ceil(H/s) by ceil(W/s): the full-size result sliced every s-th row and column, starting at 0 (the top-left pixel as the image is shown: see Kernel). Applies to the last kernel of a chain. Default 1.'
      FlipKernel    = 'Rotates every kernel by 180 degrees before use, giving mathematical convolution (scipy.ndimage.convolve) instead of correlation.'
      OutputRange   = 'How rounded results are mapped into the channel range: Clamp (clamp to 0..max) or Absolute (take |v|, then clamp). By default each kernel''s own: Absolute for edge detectors, Clamp for the rest.'
      Divisor       = 'Overrides every kernel''s divisor. By default each kernel''s own: the sum of its weights, or 1 when they sum to 0. Must not be 0.'
      Bias          = 'Overrides every kernel''s bias, added after division, in 8-bit levels (scaled by 257 for 16-bit images). Emboss uses 128.'
      Channel       = 'Channels to convolve: Red, Green, Blue, Alpha, Gray, Color or All. By default the colour channels (or the grey channel). Naming a channel the image does not have (Alpha of a JPEG, Red of a grey image) is a ChannelNotInImage error for that file; Color, Gray and All adapt to the image. Channels not selected are copied (sampled at the kernel centre when -Stride or -Padding Valid changes the size). Alpha named here is convolved in every case; otherwise alpha follows -AlphaWeighted.'
      AlphaWeighted = 'On by default: in an image whose alpha varies (some pixel not fully opaque) colour is convolved weighted by alpha, so the colour stored in invisible pixels never bleeds into visible ones (no dark or light fringe around a cut-out or a logo). Colour is convolved premultiplied. A kernel with no negative weight (a blur) convolves alpha too and divides by the new alpha: C'' = sum(K*C*A) / sum(K*A) and A'' = sum(K*A) / divisor, so edges soften as GIMP, Photoshop and ImageSharp soften them. Any other kernel (sharpen, edges, emboss) keeps alpha and divides by it: C'' = (sum(K*C*A) / divisor) / A and A'' = A. Where the dividing alpha is 0 the colour is 0. The bias, -OutputRange, rounding and clamping then apply to C''. Outside the image, -BorderMode Constant supplies a pixel with every channel, alpha included, at -BorderValue. -AlphaWeighted:$false convolves every channel independently and copies alpha (OpenCV''s behaviour). Fully opaque images give the same result either way.'
      Grayscale     = 'Converts colour images to luminance (BT.601: 0.299 R + 0.587 G + 0.114 B, as OpenCV and Pillow) before convolving; the output is a grey image (with alpha when the source had it).'
      Destination   = 'Folder for the outputs, created when missing. Output names keep the source name unless -Suffix is given. Two sources that would write one output (a.jpg from two folders) never do: the first in input order keeps the name and each later one is a DestinationCollision error naming both, unless -RelativeBasePath keeps the folders apart. Default: the folder of each source, with a suffix naming the kernels.'
      RelativeBasePath = 'With -Destination: keeps each source''s folder below this one as a sub-folder of -Destination, created as needed, so same-named files from sibling folders (Get-ChildItem -Recurse) keep apart: with -RelativeBasePath ./photos, ./photos/2024/a.jpg goes to <Destination>/2024/a.jpg. A source outside this folder is a NotUnderRelativeBasePath error. Named after Resolve-Path -RelativeBasePath.'
      Suffix        = 'Text added to each output file name before the extension. Default: "_" and the kernel names ("_Gaussian5", "_Sharpen_Gaussian3") when no -Destination is given, else nothing. It is part of a file name: a suffix with a folder separator (/ or \) or a character no file name may hold is refused (InvalidSuffix) before any file is read; use -Destination to choose a folder.'
      Format        = 'Output format: Auto (default: the source''s format, by content, and the source''s extension), Png, Jpeg, Bmp, Gif, Tiff, Webp, Tga or Pbm (Netpbm: binary PGM or PPM, written as .pnm). With a format other than Auto the extension follows it. JPEG has no alpha and 8 bits only; Netpbm has no alpha.'
      Quality       = 'JPEG and WebP quality, 1-100. Default: a JPEG keeps the quality estimated from its own quantisation tables; other sources use 90.'
      Force         = 'Overwrites output files that existed before the call (never the source, unless -InPlace is also given, and never another output of the same call), read-only ones included, as Copy-Item -Force does: a replaced read-only file stays read-only. With -InPlace, lets a read-only source be replaced. Read-only means a file the process may not write (no write bit for its class in the mode on Unix, where root may write any file; the ReadOnly attribute on Windows); without -Force such a file is a DestinationReadOnly error.'
      InPlace       = 'Replaces each source file with its result, only after the result is completely written. A read-only source is replaced only with -Force too (DestinationReadOnly otherwise). Cannot be combined with -Destination, -Suffix or -Format.'
      ThrottleLimit = 'The largest number of files processed at the same time. Default: the number of processors. The cores are shared: with n files at once, each image is convolved with (processors / n) threads, so file-level and row-level parallelism never oversubscribe the machine. Output and errors still come out on the pipeline, in input order.'
      MaxPixels     = 'The largest number of pixels per frame, read from the file header before anything is decoded; larger images are an ImageTooLarge error. Default 250000000 (250 megapixels). Set a session-wide default with $PSDefaultParameterValues[''Invoke-ImageConvolution:MaxPixels''].'
    }
    Defaults    = @{
      ThrottleLimit = 'The number of processors'
      MaxPixels     = '250000000 (250 megapixels)'
      Suffix        = '"_" and the kernel names without -Destination; none with it'
      Destination   = 'The folder of each source'
      OutputRange   = 'Each kernel''s own (Absolute for edge detectors, Clamp otherwise)'
      Divisor       = 'Each kernel''s own (the sum of its weights, or 1 when they sum to 0)'
      Bias          = 'Each kernel''s own (0; Emboss 128)'
      Channel       = 'The colour channels, or the grey channel'
      Quality       = 'A JPEG source''s own quality; 90 otherwise'
    }
    Examples    = @(
      @{ Code = 'Get-ChildItem ./samples/*.jpg | Invoke-ImageConvolution -Kernel Gaussian5 -Destination ./blurred'; Remarks = 'Blurs every JPEG in samples with the 5x5 binomial Gaussian and writes the results, under their own names, into ./blurred (created when missing).' }
      @{ Code = 'Get-ChildItem ./samples/*.jpg | Invoke-ImageConvolution -Kernel Sobel -Grayscale -Suffix _edges'; Remarks = 'Writes the Sobel gradient magnitude of each photo, as a grey image, next to it: coffee.jpg gives coffee_edges.jpg.' }
      @{ Code = @('$k = New-ConvolutionKernel -Matrix @(@(0,-1,0), @(-1,5,-1), @(0,-1,0))', 'Invoke-ImageConvolution -LiteralPath ''./samples/photo [1].jpg'' -Kernel $k, Gaussian3 -Stride 2 -BorderMode Mirror'); Remarks = 'Sharpens, then blurs, a file whose name holds wildcard characters, sampling every second row and column of the last result (half-size output) with mirrored borders. The output is "photo [1]_Custom3x3-1f2e3d4c_Gaussian3.jpg", named by the size and a hash of the custom kernel.' }
      @{ Code = 'Invoke-ImageConvolution -Path ./scans/*.png -Kernel ''1 2 1; 2 4 2; 1 2 1'' -BorderMode Constant -Padding Valid -Format Png -Destination ./out'; Remarks = 'Applies a kernel written as text with zero padding, keeping only positions where the kernel fits inside the image.' }
      @{ Code = 'Get-ChildItem ./photos -Filter *.jpg | Invoke-ImageConvolution -Kernel UnsharpMask5 -InPlace -WhatIf'; Remarks = 'Shows which files would be replaced by their sharpened version, without writing anything. Remove -WhatIf to replace them; each source is replaced only after its new version is completely written.' }
      @{ Code = @('Get-ChildItem *.jpg | Invoke-ImageConvolution -Kernel Emboss -ErrorVariable failed -ErrorAction SilentlyContinue', '$failed | Select-Object TargetObject, FullyQualifiedErrorId'); Remarks = 'Processes what it can and lists the files that failed with their stable error ids, such as CorruptImage or DestinationExists.' }
      @{ Code = 'Get-ChildItem ./logos -Filter *.png | Invoke-ImageConvolution -Kernel Gaussian5 -Destination ./soft'; Remarks = 'Blurs transparent logos. Alpha weighting is on by default: the edges soften, and the black stored in the invisible pixels does not darken them. Add -AlphaWeighted:$false to convolve every channel on its own instead, as OpenCV does.' }
      @{ Code = 'Invoke-ImageConvolution -Path ./stars.png -Kernel (New-ConvolutionKernel Gaussian -Sigma 3) -LinearLight'; Remarks = 'Blurs in linear light, so small bright stars spread their light instead of fading into grey.' }
      @{ Code = 'Get-ChildItem ./photos -Recurse -Filter *.jpg | Invoke-ImageConvolution -Kernel Sharpen -Destination ./sharp -RelativeBasePath ./photos'; Remarks = 'Keeps the folder structure: ./photos/2024/beach/a.jpg becomes ./sharp/2024/beach/a.jpg, so same-named files from different folders stay apart. Without -RelativeBasePath the first a.jpg keeps ./sharp/a.jpg and every later one is a DestinationCollision error naming both sources.' }
      @{ Code = 'Invoke-ImageConvolution -Path ./scan16.png -Kernel Gaussian3 -Format Tiff'; Remarks = 'Writes a TIFF that keeps the 16 bits per channel, the alpha channel and the ICC profile of the PNG. With -Format Jpeg the same file would be written with 8 bits, its transparency composited over white, and a warning saying so.' }
    )
    Inputs      = @(
      @{ Type = 'System.String'; Description = 'Paths, by value or by the property Path.' }
      @{ Type = 'System.IO.FileInfo'; Description = 'Files from Get-ChildItem or Get-Item, bound to -LiteralPath through their PSPath property.' }
    )
    Outputs     = @(
      @{ Type = 'System.IO.FileInfo'; Description = 'One for each image written, with PSPath, so the output pipes into another Invoke-ImageConvolution.' }
    )
    Notes       = 'Rounding is to nearest with ties to even (as OpenCV''s saturate_cast and numpy''s round). 16-bit images are computed in single precision; results are exact to within one level for 8-bit images.'
    Links       = @('New-ConvolutionKernel', 'Get-ConvolutionKernel', 'about_PSConvolution')
  }

  'New-ConvolutionKernel' = @{
    Synopsis    = 'Creates a convolution kernel from a built-in name with parameters, a numeric matrix, or text.'
    Description = @(
      'New-ConvolutionKernel returns a kernel object for Invoke-ImageConvolution -Kernel. It can take a built-in kernel (Get-ConvolutionKernel lists them) or a parametric family (Gaussian -Size/-Sigma, Box -Size, MotionBlur -Size/-Angle, UnsharpMask -Size/-Sigma/-Amount); a matrix, jagged (@(@(0,-1,0), @(-1,5,-1), @(0,-1,0))) or 2-D; or text with rows separated by semicolons or new lines and weights by spaces or commas.'
      'The kernel is applied as correlation with row 0 on top. Its divisor defaults to the sum of its weights, or 1 when they sum to 0; -Normalize scales the weights to sum to 1 instead. Kernels must have odd width and height (the anchor is the centre) unless -Anchor gives the weight that lies over the output pixel. An invalid kernel (ragged rows, an even size without an anchor, NaN or Infinity, no weights, a zero-sum kernel with -Normalize) is a terminating error with the id InvalidKernel.'
      'The object shows its weights as a grid in the console and reports Width, Height, Sum, Divisor, Bias, IsSeparable (rank-1 kernels run as two 1-D passes), OutputRange and, for operators made of several kernels, Combination.'
    )
    Parameters  = @{
      Name        = 'A built-in kernel (Sharpen, Gaussian5, Sobel, ...) or a parametric family: Gaussian, Box, MotionBlur, UnsharpMask. Tab-completed. With -Matrix or -Text, the new kernel''s name, used in listings and default output file names (alias -Label); without it the name is made of the size and a short hash of the definition, such as Custom3x3-1f2e3d4c, so two different kernels never share an output name.'
      Size        = 'Width and height (odd, 1-1023) of a Gaussian, Box, MotionBlur or UnsharpMask kernel. Gaussian and UnsharpMask default to 2*ceil(3*sigma)+1 when -Sigma is given (Gaussian: 5 otherwise); Box to 3; MotionBlur to 9.'
      Sigma       = 'Standard deviation in pixels of a Gaussian (default from the size by OpenCV''s rule 0.3*((size-1)/2-1)+0.8) or of an UnsharpMask''s blur (default 1).'
      Angle       = 'Direction of a MotionBlur in degrees, counter-clockwise from horizontal: 0 blurs along rows, 90 along columns. Default 0.'
      Amount      = 'Strength of an UnsharpMask: the kernel is (1 + amount) times identity minus amount times a normalised Gaussian. Default 1.'
      Matrix      = 'The weights as a jagged array of rows, a 2-D numeric array, or a single row of numbers. Row 0 is the top row. Taken from the pipeline too, one kernel per object: PowerShell sends an array one element at a time and Get-Content a file one line at a time, so pass one kernel whole (,$m | New-ConvolutionKernel, or Get-Content -Raw); rows that arrive one at a time get a warning.'
      Text        = 'The weights as text: rows separated by semicolons or new lines, weights by spaces or commas, for example ''0 -1 0; -1 5 -1; 0 -1 0''. Decimals are written with a point. A row that separates weights with spaces and also has a comma inside a number (''0,5 1 0,5'') is refused as ambiguous.'
      Anchor      = 'Column and row (zero-based) of the weight that lies over the output pixel. Required for even widths or heights; default the centre.'
      Divisor     = 'Each weighted sum is divided by this. Default: the sum of the weights, or 1 when they sum to zero, which includes a sum within 1e-6 of the sum of their absolute values (weights computed in a script or stored in single precision). A sum below 1% of the absolute values is used with a warning from Invoke-ImageConvolution saying how much it amplifies. Must not be 0.'
      Bias        = 'Added to each result after division, in 8-bit levels (scaled by 257 for 16-bit images). Default 0.'
      Normalize   = 'Scales the weights so that they sum to 1 (and sets the divisor to 1). A kernel whose weights sum to 0 cannot be normalised.'
      OutputRange = 'The kernel''s default mapping of results into the channel range: Clamp or Absolute. Invoke-ImageConvolution -OutputRange overrides it.'
    }
    Examples    = @(
      @{ Code = 'New-ConvolutionKernel -Matrix @(@(0,-1,0), @(-1,5,-1), @(0,-1,0))'; Remarks = 'A 4-neighbour sharpen kernel from a jagged array; the console shows its weights as a grid.' }
      @{ Code = 'New-ConvolutionKernel -Name Gaussian -Size 7 -Sigma 1.5'; Remarks = 'A normalised 7x7 Gaussian with sigma 1.5. It is separable, so it runs as two 1-D passes.' }
      @{ Code = @('$w = foreach ($y in -4..4) { , @(foreach ($x in -4..4) { $r = $x*$x + $y*$y; (1 - $r/8) * [math]::Exp(-$r/8) }) }', '$mean = ($w | ForEach-Object { $_ } | Measure-Object -Average).Average', 'New-ConvolutionKernel -Matrix @(foreach ($row in $w) { , @($row | ForEach-Object { $_ - $mean }) }) -Name LoG9'); Remarks = 'A Laplacian of Gaussian computed in a script and named LoG9. Its weights sum to about 1e-16 after subtracting the mean: a sum within 1e-6 of the sum of the absolute weights counts as zero, so the divisor is 1, not a rounding error.' }
      @{ Code = 'New-ConvolutionKernel -Text ''1 2 1; 0 0 0; -1 -2 -1'' -Name SobelUp -OutputRange Absolute'; Remarks = 'A kernel from text with a name of its own and absolute output, for use with Invoke-ImageConvolution.' }
      @{ Code = @('$streak = New-ConvolutionKernel -Name MotionBlur -Size 15 -Angle 45', 'Invoke-ImageConvolution -Path ./car.jpg -Kernel $streak'); Remarks = 'A 15-pixel diagonal motion blur applied to one file; the output is car_MotionBlur15a45.jpg.' }
      @{ Code = 'New-ConvolutionKernel -Matrix @(@(1,0), @(0,-1)) -Anchor 0,0'; Remarks = 'An even-sized (2x2) kernel with its anchor at the top-left weight.' }
    )
    Inputs      = @(
      @{ Type = 'System.Object'; Description = 'A matrix for -Matrix.' }
    )
    Outputs     = @(
      @{ Type = 'PSConvolution.Engine.Kernels.ConvolutionKernel'; Description = 'The kernel.' }
    )
    Notes       = 'Sign convention of the built-in gradient pairs: X is positive where intensity rises to the right, Y is positive where it rises downwards.'
    Links       = @('Invoke-ImageConvolution', 'Get-ConvolutionKernel', 'about_PSConvolution')
  }

  'Get-ConvolutionKernel' = @{
    Synopsis    = 'Lists the built-in convolution kernels.'
    Description = @(
      'Get-ConvolutionKernel returns the built-in kernels, each with its name, category (Identity, Blur, Sharpen, Edge, Emboss), size and a one-line description. -Name filters with wildcards against both the name and the category, so *blur* finds every blur; -Category filters on the category only.'
      'Built-ins: Identity; Box3, Box5; Gaussian3 (1 2 1 outer product, /16), Gaussian5 (1 4 6 4 1 outer product, /256), Gaussian5x273; MotionBlur; Sharpen (0 -1 0; -1 5 -1; 0 -1 0), Sharpen8, UnsharpMask5; Laplacian4, Laplacian8, LaplacianOfGaussian5; SobelX, SobelY, Sobel; ScharrX, ScharrY, Scharr; PrewittX, PrewittY, Prewitt; RobertsCross; Kirsch, Robinson; Emboss (bias 128); Outline. Sobel, Scharr, Prewitt and RobertsCross give the gradient magnitude sqrt(gx^2 + gy^2); Kirsch and Robinson give the maximum over their 8 compass rotations. For every X/Y pair, X is positive where intensity rises to the right and Y where it rises downwards. Edge detectors default to Absolute output.'
    )
    Parameters  = @{
      Name     = 'Wildcard patterns matched against each kernel''s name and category. Default * (all). An exact name that matches nothing is a KernelNotFound error; a wildcard that matches nothing is silent.'
      Category = 'Wildcard patterns matched against the category only: Identity, Blur, Sharpen, Edge or Emboss.'
    }
    Examples    = @(
      @{ Code = 'Get-ConvolutionKernel'; Remarks = 'Lists every built-in kernel as a table.' }
      @{ Code = 'Get-ConvolutionKernel *blur* | Format-Table'; Remarks = 'Lists the blurs: every kernel whose name or category contains "blur".' }
      @{ Code = 'Get-ConvolutionKernel Sobel | Format-List'; Remarks = 'Shows the Sobel operator in full, with the weights of both of its kernels.' }
      @{ Code = 'Get-ConvolutionKernel -Category Edge | ForEach-Object { Invoke-ImageConvolution -LiteralPath ./photo.jpg -Kernel $_ -Grayscale }'; Remarks = 'Writes one grey edge map per edge detector: photo_Sobel.jpg, photo_Kirsch.jpg and so on.' }
    )
    Inputs      = @(
      @{ Type = 'System.String'; Description = 'Name patterns.' }
    )
    Outputs     = @(
      @{ Type = 'PSConvolution.Engine.Kernels.ConvolutionKernel'; Description = 'The built-in kernels.' }
    )
    Notes       = 'New-ConvolutionKernel makes kernels of your own and parametric ones (Gaussian, Box, MotionBlur, UnsharpMask).'
    Links       = @('Invoke-ImageConvolution', 'New-ConvolutionKernel', 'about_PSConvolution')
  }
}
