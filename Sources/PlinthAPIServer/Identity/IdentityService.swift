import Foundation
import PlinthJSON

/// The identity parts the API server consults: the directory, the token issuer and the
/// authenticator of bearer JWTs. Optional on `APIServerCore` (tests of other parts run without).
public struct IdentityService: Sendable {
    public let directory: UserDirectory
    public let issuer: TokenIssuer
    public let tokens: TokenAuthenticator

    public init(directory: UserDirectory, issuer: TokenIssuer, tokens: TokenAuthenticator) {
        self.directory = directory
        self.issuer = issuer
        self.tokens = tokens
    }
}
