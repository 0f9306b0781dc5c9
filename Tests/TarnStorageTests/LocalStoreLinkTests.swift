// LocalStoreLinkTests: symbolic links planted inside a LocalStore root that point outside it
// (issue 7 item 4). They are never listed, and no get, head, source, put, putIfAbsent, sink or
// delete goes through them; the outside directory is checked to be untouched afterwards.
import Foundation
import Testing
import TarnParquet
import TarnStorage

@Suite struct LocalStoreLinkTests {
    /// A root with `dirlink` → outside directory, `filelink` → outside file, `sub/deeplink` → outside
    /// directory, and one legitimate object.
    struct Planted {
        let dir: TempDir
        let outside: String
        let store: LocalStore

        init() throws {
            dir = try TempDir()
            outside = dir.file("outside")
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: outside + "/secret.txt", contents: Data("SECRET".utf8)))
            store = try LocalStore.create(root: dir.file("root"))
            try store.put("sub/real.json", bytes("real"))
            #expect(symlink(outside, dir.file("root/dirlink")) == 0)
            #expect(symlink(outside + "/secret.txt", dir.file("root/filelink")) == 0)
            #expect(symlink(outside, dir.file("root/sub/deeplink")) == 0)
            #expect(symlink("../outside", dir.file("root/sub/relative")) == 0)
        }

        func outsideNames() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: outside).sorted()
        }
    }

    @Test func linksAreNeverListed() throws {
        let p = try Planted()
        #expect(try p.store.list(prefix: "").map(\.key) == ["sub/real.json"])
        #expect(try p.store.list(prefix: "dirlink/").isEmpty)
        #expect(try p.store.list(prefix: "dirlink").isEmpty)
        #expect(try p.store.list(prefix: "sub/deeplink/").isEmpty)
        #expect(try p.store.list(prefix: "sub/").map(\.key) == ["sub/real.json"])
    }

    @Test(arguments: ["dirlink/secret.txt", "filelink", "sub/deeplink/secret.txt", "sub/relative/secret.txt"])
    func readsDoNotFollowLinks(_ key: String) throws {
        let p = try Planted()
        let s = p.store
        for error in [
            expectTarnError(.invalidArgument, "get") { try s.get(key) },
            expectTarnError(.invalidArgument, "range") { try s.get(key, range: 0 ..< 1) },
            expectTarnError(.invalidArgument, "head") { try s.head(key) },
            expectTarnError(.invalidArgument, "source") { try s.source(key) },
        ] {
            #expect(error?.message.contains("symbolic link") == true, "\(String(describing: error))")
            #expect(error?.file == key)
        }
        expectTarnError(.invalidArgument, "exists") { try s.exists(key) }
    }

    @Test(arguments: ["dirlink/secret.txt", "dirlink/new.txt", "filelink", "sub/deeplink/new/x.json",
                      "sub/relative/secret.txt"])
    func writesAndDeletesDoNotFollowLinks(_ key: String) throws {
        let p = try Planted()
        let s = p.store
        expectTarnError(.invalidArgument, "put") { try s.put(key, bytes("PWNED")) }
        expectTarnError(.invalidArgument, "putIfAbsent") { try s.putIfAbsent(key, bytes("PWNED")) }
        expectTarnError(.invalidArgument, "delete") { try s.delete(key) }
        expectTarnError(.invalidArgument, "sink") { () throws -> Int in
            let sink = try s.sink(key)
            try sink.write(bytes("PWNED"))
            try sink.close()
            return sink.bytesWritten
        }
        #expect(try p.outsideNames() == ["secret.txt"])
        #expect(FileManager.default.contents(atPath: p.outside + "/secret.txt") == Data("SECRET".utf8))
        // The links themselves are intact, and nothing new appeared under the root.
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: p.dir.file("root/filelink"))) != nil)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: p.dir.file("root/dirlink"))) != nil)
        #expect(try p.store.list(prefix: "").map(\.key) == ["sub/real.json"])
    }

    @Test func aRootThatIsALinkIsTheCallersChoice() throws {
        // The root path itself may be a link (e.g. /tmp on macOS); links *inside* it are refused.
        let p = try Planted()
        #expect(symlink(p.dir.file("root"), p.dir.file("alias")) == 0)
        let viaAlias = try LocalStore.open(root: p.dir.file("alias"))
        #expect(try viaAlias.get("sub/real.json") == bytes("real"))
    }
}
