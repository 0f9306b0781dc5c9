import ArgumentParser

@main
struct Tarn: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tarn", abstract: "Tarn lakehouse storage engine")
}
