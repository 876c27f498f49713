package org.natflow.rest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts natflow: the OpenFlow server, the apps and the REST API. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NatflowApplication {

    public static void main(String[] args) {
        SpringApplication.run(NatflowApplication.class, args);
    }
}
