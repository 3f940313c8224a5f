/** The participant's HTTP endpoint that shows its deletion plan. */
package io.lethe.participant.web;
