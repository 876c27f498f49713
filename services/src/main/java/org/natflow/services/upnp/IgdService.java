package org.natflow.services.upnp;

import java.util.List;

/**
 * A UPnP service natflow's gateway device offers: its type, id and URLs, its actions (each argument with its
 * direction and state variable) and its state variables' types, from which its SCPD is written.
 *
 * @param type      the service type, e.g. {@code urn:schemas-upnp-org:service:WANIPConnection:2}
 * @param id        the service id
 * @param scpdPath  where its description is
 * @param control   its control URL
 * @param event     its event subscription URL (natflow sends no events: subscriptions are refused)
 * @param actions   its actions
 * @param variables its state variables, name and type
 */
record IgdService(String type, String id, String scpdPath, String control, String event, List<Action> actions,
                  List<String[]> variables) {

    /** An action: its name, and arguments as {name, "in" or "out", state variable}. */
    record Action(String name, List<String[]> arguments) {
    }

    static String[] in(String name, String variable) {
        return new String[] {name, "in", variable};
    }

    static String[] out(String name, String variable) {
        return new String[] {name, "out", variable};
    }

    /** The service type without its version, e.g. {@code urn:schemas-upnp-org:service:WANIPConnection}. */
    String unversioned() {
        return type.substring(0, type.lastIndexOf(':'));
    }

    /** Whether a SOAP action's namespace names this service (any version up to ours). */
    boolean accepts(String namespace) {
        if (namespace == null || !namespace.startsWith(unversioned() + ":")) {
            return false;
        }
        try {
            int v = Integer.parseInt(namespace.substring(unversioned().length() + 1));
            return v >= 1 && v <= Integer.parseInt(type.substring(type.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The action of this name, if the service has it. */
    java.util.Optional<Action> action(String name) {
        return actions.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** Its SCPD (service control protocol description). */
    String scpd() {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\"?>\n<scpd xmlns=\"urn:schemas-upnp-org:service-1-0\">"
                + "<specVersion><major>1</major><minor>0</minor></specVersion><actionList>");
        for (Action a : actions) {
            x.append("<action><name>").append(a.name()).append("</name><argumentList>");
            for (String[] arg : a.arguments()) {
                x.append("<argument><name>").append(arg[0]).append("</name><direction>").append(arg[1])
                        .append("</direction><relatedStateVariable>").append(arg[2])
                        .append("</relatedStateVariable></argument>");
            }
            x.append("</argumentList></action>");
        }
        x.append("</actionList><serviceStateTable>");
        for (String[] v : variables) {
            x.append("<stateVariable sendEvents=\"no\"><name>").append(v[0]).append("</name><dataType>").append(v[1])
                    .append("</dataType></stateVariable>");
        }
        return x.append("</serviceStateTable></scpd>\n").toString();
    }

    /** Its entry in a device's service list. */
    String entry() {
        return "<service><serviceType>" + type + "</serviceType><serviceId>" + id + "</serviceId><SCPDURL>" + scpdPath
                + "</SCPDURL><controlURL>" + control + "</controlURL><eventSubURL>" + event + "</eventSubURL></service>";
    }
}
