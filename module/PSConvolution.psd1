@{
  RootModule           = 'PSConvolution.psm1'
  # ModuleVersion is filled in by build.ps1 from Directory.Build.props.
  ModuleVersion        = '0.0.0'
  GUID                 = '6f1f4f7e-2c1b-4f0e-9a53-3c1de1a0c9b5'
  Author               = 'PSConvolution contributors'
  CompanyName          = 'PSConvolution contributors'
  Copyright            = '(c) PSConvolution contributors. MIT licence.'
  Description          = 'Image convolution for scripts: blur, sharpen, edge detection, emboss and any custom kernel, with exact border modes, stride and padding.'
  PowerShellVersion    = '5.1'
  CompatiblePSEditions = @('Desktop', 'Core')
  FormatsToProcess     = @('PSConvolution.Format.ps1xml')
  CmdletsToExport      = @('Invoke-ImageConvolution', 'New-ConvolutionKernel', 'Get-ConvolutionKernel')
  FunctionsToExport    = @()
  AliasesToExport      = @()
  VariablesToExport    = @()
  PrivateData          = @{
    PSData = @{
      Tags       = @('Image', 'Convolution', 'Blur', 'Sharpen', 'EdgeDetection', 'Sobel', 'Gaussian', 'Linux', 'Windows', 'macOS')
      LicenseUri = 'https://opensource.org/licenses/MIT'
    }
  }
}
