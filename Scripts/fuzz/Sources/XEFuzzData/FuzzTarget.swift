import XEData
import XETensor

/// One fuzzing input for the data file readers: the first byte picks the format (.npy, .npz,
/// .pt, .safetensors, .csv), the rest is the file. Tensors are capped at 2^20 elements. A clean
/// result or a `DataFileError` is fine; a trap, a hang or a huge allocation is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    TensorLimits.elements = 1 << 20
    let kinds: [(DataFile.Kind, String)] = [(.npy, "f.npy"), (.npz, "f.npz"), (.torch, "f.pt"), (.safetensors, "f.safetensors"), (.csv, "f.csv")]
    let (kind, path) = kinds[Int(data[0]) % kinds.count]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    _ = try? DataFile.read(bytes, kind: kind, path: path)
    return 0
}
