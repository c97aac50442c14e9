check --questions --lang ja ../../../examples/policies/procurement.pol ../../../examples/vendors/rakus-chatdealer.json
