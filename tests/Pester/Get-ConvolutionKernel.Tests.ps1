BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-ConvolutionKernel' {
    It 'lists the whole library with categories, sizes and descriptions' {
        $all = Get-ConvolutionKernel
        $all.Count | Should -BeGreaterOrEqual 27
        foreach ($name in 'Identity', 'Box3', 'Box5', 'Gaussian3', 'Gaussian5', 'Gaussian5x273', 'Sharpen', 'Sharpen8', 'UnsharpMask5',
            'Laplacian4', 'Laplacian8', 'LaplacianOfGaussian5', 'SobelX', 'SobelY', 'Sobel', 'ScharrX', 'ScharrY', 'Scharr',
            'PrewittX', 'PrewittY', 'Prewitt', 'RobertsCross', 'Kirsch', 'Robinson', 'Emboss', 'Outline', 'MotionBlur') {
            $all.Name | Should -Contain $name
        }
        $all | ForEach-Object { $_.Category | Should -Not -BeNullOrEmpty; $_.Description | Should -Not -BeNullOrEmpty; $_.Size | Should -Match '^\d+x\d+$' }
    }

    It 'filters by name or category with wildcards' {
        $blur = Get-ConvolutionKernel *blur*
        $blur.Name | Should -Contain 'Gaussian5'
        $blur.Name | Should -Contain 'MotionBlur'
        $blur.Name | Should -Not -Contain 'Sobel'
        (Get-ConvolutionKernel sobel*).Name | Should -Be @('SobelX', 'SobelY', 'Sobel')
        (Get-ConvolutionKernel -Category Edge).Name | Should -Contain 'Kirsch'
        (Get-ConvolutionKernel -Category Edge).Name | Should -Not -Contain 'Box3'
        (Get-ConvolutionKernel Edge).Name | Should -Contain 'Kirsch'
    }

    It 'gives a kernel named exactly alone, though a category has its name' {
        # Sharpen is a kernel and a category: Get-ConvolutionKernel Sharpen gave Sharpen, Sharpen8 and UnsharpMask5,
        # and -Kernel (Get-ConvolutionKernel Sharpen) chained all three.
        (Get-ConvolutionKernel Sharpen).Name | Should -Be 'Sharpen'
        (Get-ConvolutionKernel sharpen).Name | Should -Be 'Sharpen'
        # A wildcard still matches categories too.
        (Get-ConvolutionKernel Sharpen*).Name | Should -Be @('Sharpen', 'Sharpen8', 'UnsharpMask5')
        (Get-ConvolutionKernel -Category Sharpen).Name | Should -Be @('Sharpen', 'Sharpen8', 'UnsharpMask5')
        Get-ConvolutionKernel Sharpen -Category Blur -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].ToString() | Should -Be "The kernel 'Sharpen' is in the Sharpen category, which -Category does not match."
        $dir = Join-Path $TestDrive 'exact'
        New-Item -ItemType Directory -Path $dir | Out-Null
        $src = New-TestImage -Path (Join-Path $dir 'flat.png') -Width 4 -Height 4 -Pixel { param($x, $y) @(100, 100, 100, 255) }
        (Invoke-ImageConvolution -LiteralPath $src.FullName -Kernel (Get-ConvolutionKernel Sharpen)).Name | Should -Be 'flat_Sharpen.png'
    }

    It 'formats the library as a table' {
        $text = Get-ConvolutionKernel *blur* | Format-Table | Out-String
        $text | Should -Match 'Name\s+Category\s+Size\s+Description'
        $text | Should -Match 'Gaussian5\s+Blur\s+5x5'
    }

    It 'reports an unknown exact name and stays silent for an unmatched wildcard' {
        Get-ConvolutionKernel NoSuchKernel -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'KernelNotFound,PSConvolution.Commands.GetConvolutionKernelCommand'
        Get-ConvolutionKernel Nothing* -ErrorVariable none | Should -BeNullOrEmpty
        $none | Should -HaveCount 0
    }

    It 'says which kernel a mistyped or family name meant' {
        # These said only "There is no built-in kernel named ..." though the name was a letter off, or a family's.
        Get-ConvolutionKernel Gausian5 -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].ToString() | Should -Be "There is no built-in kernel named 'Gausian5'. Did you mean 'Gaussian5'? Run Get-ConvolutionKernel to list them."
        Get-ConvolutionKernel Blurr -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].ToString() | Should -BeLike "*'Blurr'. Did you mean 'Blur'? Run*"
        Get-ConvolutionKernel Gaussian -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].ToString() | Should -BeLike "*'Gaussian'. Gaussian is a family of kernels with parameters: New-ConvolutionKernel -Name Gaussian -Size 7 makes one. Run*"
    }

    It 'reports a category no kernel is in, once, and goes on with the others' {
        # -Category Blurr listed nothing and said nothing.
        $found = 'Box3', 'Sobel' | Get-ConvolutionKernel -Category Edges, Blur -ErrorVariable errs -ErrorAction SilentlyContinue
        $found.Name | Should -Be 'Box3'
        $categoryErrors = @($errs | Where-Object FullyQualifiedErrorId -EQ 'CategoryNotFound,PSConvolution.Commands.GetConvolutionKernelCommand')
        $categoryErrors | Should -HaveCount 1
        $categoryErrors[0].ToString() | Should -Be "No built-in kernel is in a category named 'Edges'. Did you mean 'Edge'? The categories are Blur, Edge, Emboss, Identity and Sharpen."
        $categoryErrors[0].TargetObject | Should -Be 'Edges'
        Get-ConvolutionKernel -Category Blu*, E* -ErrorVariable none | Should -Not -BeNullOrEmpty
        $none | Should -HaveCount 0
    }

    It 'returns kernels that Invoke-ImageConvolution accepts' {
        $dir = Join-Path $TestDrive 'lib'
        New-Item -ItemType Directory -Path $dir | Out-Null
        $src = New-TestImage -Path (Join-Path $dir 'step.png') -Width 6 -Height 6 -Pixel { param($x, $y) $v = if ($x -ge 3) { 200 } else { 0 }; @($v, $v, $v, 255) }
        $out = Invoke-ImageConvolution -LiteralPath $src.FullName -Kernel (Get-ConvolutionKernel SobelX)
        $px = Get-TestPixels $out.FullName
        $px.Rows[2][2][0] | Should -Be 255
        $px.Rows[2][0][0] | Should -Be 0
    }

    It 'completes -Name' {
        $line = 'Get-ConvolutionKernel Lap'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('Laplacian4', 'Laplacian8', 'LaplacianOfGaussian5')
    }
}
