"""Date and time formats for the city's readers, where Django's defaults suit another country."""
