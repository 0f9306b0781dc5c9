// DictionaryCoding: a low-cardinality string or binary column, split over several parts, held as
// 16-bit codes into one dictionary, for work that moves rows around (Z-order's gather): moving a
// code touches 2 bytes in a small array where moving the value touches its offsets and its bytes,
// two cache misses in large ones. Codes are found with the writer's byte dictionary, parts in
// parallel, and their dictionaries merged; a column with too many distinct values is left alone.
import TarnColumnar

/// The distinct values of a coded column, back to back (shared by every chunk gathered from it;
/// a writer recognises it by identity).
package final class DictionaryValues: Sendable {
    let offsets: [Int32]
    let data: [UInt8]
    var count: Int { offsets.count - 1 }

    init(offsets: [Int32], data: [UInt8]) {
        self.offsets = offsets
        self.data = data
    }
}

/// A byte column's values given to the writer as codes into a dictionary, beside the values
/// themselves, so the writer's dictionary encoding maps each code once instead of hashing every
/// value. `codes` has one entry per row of the batch (null rows included, with any code).
package struct DictionaryCodes: Sendable {
    package let codes: [UInt16]
    package let dictionary: DictionaryValues
}

package struct DictionaryCoding: Sendable {
    package let type: DataType
    /// The dictionary: each distinct value once (null slots map to the empty value).
    let dictionary: DictionaryValues
    /// Per part, a code per row.
    let codes: [[UInt16]]
    /// Per part, its validity (nil: no nulls).
    let validity: [Bitmap?]

    /// The parts' values as codes, or nil when they are not strings or binary, or hold more than
    /// `maxEntries` (at most 65,536) distinct values, or more than one per `minRowsPerEntry` rows of
    /// a part (those gain nothing: most values would be copied once anyway).
    package static func make(_ parts: [Column], maxEntries: Int = 1 << 16, minRowsPerEntry: Int = 16) -> DictionaryCoding? {
        guard let first = parts.first, first.type == .string || first.type == .binary else { return nil }
        let limit = min(maxEntries, 1 << 16)
        let local = ParallelMap.run(count: parts.count, parallel: true) { i in
            localCodes(parts[i], limit: min(limit, max(1, parts[i].count / minRowsPerEntry)))
        }
        var dictionary = ByteDictionary()
        var codes: [[UInt16]] = []
        for case let .success(part?) in local {
            // Local entry k becomes global entry map[k]; the part's codes are rewritten in place.
            let map = part.dictionary.offsets.indices.dropLast().map { k in
                part.dictionary.data.withUnsafeBytes { d in
                    dictionary.index(of: UnsafeRawBufferPointer(rebasing: d[Int(part.dictionary.offsets[k]) ..< Int(part.dictionary.offsets[k + 1])]))
                }
            }
            guard dictionary.count <= limit else { return nil }
            codes.append(part.codes.map { UInt16(truncatingIfNeeded: map[Int($0)]) })
        }
        guard codes.count == parts.count else { return nil }
        return DictionaryCoding(type: first.type, dictionary: DictionaryValues(offsets: dictionary.offsets, data: dictionary.data),
                                codes: codes, validity: parts.map(\.validity))
    }

    /// One part's codes into its own dictionary; nil past `limit` entries or when not bytes.
    private static func localCodes(_ c: Column, limit: Int) -> (codes: [UInt16], dictionary: ByteDictionary)? {
        guard case let .bytes(o, d) = c.storage else { return nil }
        var dictionary = ByteDictionary()
        var failed = false
        let codes = [UInt16](unsafeUninitializedCapacity: c.count) { out, done in
            d.withUnsafeBytes { p in
                o.withUnsafeBufferPointer { o in
                    for i in 0 ..< c.count {
                        let k = dictionary.index(of: UnsafeRawBufferPointer(rebasing: p[Int(o[i]) ..< Int(o[i + 1])]))
                        if dictionary.count > limit { failed = true; return }
                        out[i] = UInt16(truncatingIfNeeded: k)
                    }
                }
            }
            done = failed ? 0 : c.count
        }
        return failed ? nil : (codes, dictionary)
    }

    /// The dictionary's values as a column (entry k at row k).
    package var dictionaryColumn: Column {
        Column(type: type, count: dictionary.count, validity: nil, storage: .bytes(offsets: dictionary.offsets, data: dictionary.data))
    }

    /// Part `i`'s codes (a row each) and validity.
    package func part(_ i: Int) -> (codes: [UInt16], validity: Bitmap?) { (codes[i], validity[i]) }

    /// The rows named by `refs` as a plain column, and their codes for the writer.
    package func gatherWithCodes(_ refs: PartRows) -> (column: Column, codes: DictionaryCodes) {
        let picked = Column.gatherFixed(codes, refs)
        let dictionary = self.dictionary
        var total = 0
        var offsets = [Int32](repeating: 0, count: picked.count + 1)
        dictionary.offsets.withUnsafeBufferPointer { dict in
            for (k, code) in picked.enumerated() {
                total += Int(dict[Int(code) + 1] - dict[Int(code)])
                offsets[k + 1] = Int32(truncatingIfNeeded: total)
            }
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, done in
            guard let to = out.baseAddress else { return }
            dictionary.data.withUnsafeBytes { from in
                guard let from = from.baseAddress else { return }
                dictionary.offsets.withUnsafeBufferPointer { dict in
                    for (k, code) in picked.enumerated() {
                        let start = Int(dict[Int(code)])
                        Column.copyBytes(from + start, to + Int(offsets[k]), Int(dict[Int(code) + 1]) - start)
                    }
                }
            }
            done = total
        }
        let valid = validity.contains { $0 != nil } ? Column.gatherValidity(validity, refs) : nil
        let column = Column(type: type, count: picked.count, validity: valid?.nilIfAllSet, storage: .bytes(offsets: offsets, data: bytes))
        return (column, DictionaryCodes(codes: picked, dictionary: dictionary))
    }
}
