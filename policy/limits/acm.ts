/**
 * ACM certificates: the length of a certificate's domain name.
 */
import { WEB_SERVICE_LIMITS } from "../../components/webService";
import { at } from "../preview";
import { Add } from "./common";

/** An ACM certificate's domain name is its subject's common name: at most 64 characters (RFC 5280). */
export const ACM_DOMAIN_NAME_MAX = WEB_SERVICE_LIMITS.certificateDomainNameLength;

export function certificateRules(p: Record<string, any>, add: Add): void {
    const domain = at(p, "domainName");
    if (typeof domain === "string" && domain.length > ACM_DOMAIN_NAME_MAX) {
        add(`domainName is ${domain.length} characters; a certificate's domain name (its common name) may have at most ${ACM_DOMAIN_NAME_MAX} (RFC 5280); longer names go in subjectAlternativeNames`);
    }
}
