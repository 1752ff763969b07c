package io.jingress.jetty.internal.proxy;

import io.jingress.core.route.AuthTls;
import io.jingress.jetty.internal.tls.ClientAuthEngines;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CRL;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies a client's certificate chain against a host's CAs ({@code auth-tls-secret}'s
 * {@code ca.crt}) with PKIX, as OpenSSL does for nginx: the chain must lead to a self-signed CA of
 * {@code ca.crt} (its other certificates serve as intermediates; when it holds no self-signed one,
 * each of its certificates is trusted as it is), within {@code auth-tls-verify-depth}, every
 * certificate within its validity dates, and the client certificate usable for client
 * authentication (its extended key usage, when it has one). With a {@code ca.crl} in the Secret,
 * the chain found is then validated against those revocation lists, as nginx's
 * {@code ssl_crl} has OpenSSL check them ({@code CRL_CHECK_ALL}): no certificate of the chain may
 * be listed, and each needs a current list of its issuer (none is fetched: no OCSP, no
 * distribution points). The reason of a failure is OpenSSL's words.
 */
final class ClientCertificateVerdict {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    private ClientCertificateVerdict() {
    }

    // null when no certificate of the path is revoked and each has a current list of its issuer
    private static String revocation(PKIXCertPathBuilderResult built, Set<TrustAnchor> anchors, String crlPem)
            throws GeneralSecurityException {
        Collection<? extends CRL> crls = CertificateFactory.getInstance("X.509")
                .generateCRLs(new ByteArrayInputStream(crlPem.getBytes(StandardCharsets.US_ASCII)));
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
        checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
        PKIXParameters parameters = new PKIXParameters(anchors);
        parameters.addCertPathChecker(checker);
        parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
        try {
            validator.validate(built.getCertPath(), parameters);
            return null;
        } catch (CertPathValidatorException e) {
            if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
                return "certificate revoked";
            }
            if (e.getReason() == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
                return "unable to get certificate CRL";
            }
            return "certificate verification failed";
        }
    }

    /** Null when {@code chain} (the client's certificate first) verifies; else why not. */
    static String failure(X509Certificate[] chain, AuthTls auth) {
        X509Certificate leaf = chain[0];
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            return "certificate has expired";
        } catch (CertificateNotYetValidException e) {
            return "certificate is not yet valid";
        }
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
                return "unsupported certificate purpose";
            }
        } catch (CertificateParsingException e) {
            return "unsupported certificate purpose";
        }
        X509Certificate[] cas = ClientAuthEngines.certificates(auth.caPem());
        Set<TrustAnchor> anchors = new HashSet<>();
        List<X509Certificate> others = new ArrayList<>(Arrays.asList(chain));
        for (X509Certificate ca : cas) {
            if (ca.getSubjectX500Principal().equals(ca.getIssuerX500Principal())) {
                anchors.add(new TrustAnchor(ca, null));
            } else {
                others.add(ca);
            }
        }
        if (anchors.isEmpty()) {
            for (X509Certificate ca : cas) {
                anchors.add(new TrustAnchor(ca, null));
            }
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setRevocationEnabled(false);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(others)));
            PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX")
                    .build(parameters);
            // OpenSSL's depth counts the certificates above the client's, the trusted CA included
            if (result.getCertPath().getCertificates().size() > auth.verifyDepth()) {
                return "certificate chain too long";
            }
            return auth.crlPem() == null ? null : revocation(result, anchors, auth.crlPem());
        } catch (CertPathBuilderException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof CertificateExpiredException) {
                    return "certificate has expired";
                }
                if (cause instanceof CertificateNotYetValidException) {
                    return "certificate is not yet valid";
                }
            }
            return "unable to get local issuer certificate";
        } catch (InvalidAlgorithmParameterException e) {
            return "unable to get local issuer certificate";
        } catch (GeneralSecurityException e) {
            return "certificate verification failed";
        }
    }
}
